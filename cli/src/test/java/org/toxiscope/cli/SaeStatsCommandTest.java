package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.Golden;

/** {@code toxiscope sae stats} on the tiny fixture: counts every real token, same figures whatever the batching. */
class SaeStatsCommandTest {

    @TempDir
    Path dir;

    @Test
    void statsCoverEveryTokenAndIgnoreBatching() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        Path input = goldenTexts(golden);
        long tokens = 0;
        for (int i = 0; i < golden.texts().size(); i++) {
            tokens += golden.text(i).getAsJsonArray("ids").size();
        }
        JsonObject batched = stats(golden, input, "--json");
        JsonObject single = stats(golden, input, "--json", "--max-batch", "1");
        assertEquals(golden.texts().size(), batched.get("texts").getAsInt());
        assertEquals(tokens, batched.get("tokens").getAsLong());
        assertEquals(1, batched.get("layer").getAsInt());
        assertEquals(512, batched.get("d_sae").getAsInt());
        assertEquals(8, batched.get("k").getAsInt());
        assertEquals("f32", batched.get("dtype").getAsString());
        // top-k of raw pre-activations keeps exactly k non-zero entries per token
        assertEquals(8.0, batched.get("mean_l0").getAsDouble(), 1e-12);
        double mse = batched.get("mse").getAsDouble();
        double fvu = batched.get("fvu").getAsDouble();
        assertTrue(mse > 0 && Double.isFinite(mse) && fvu > 0 && Double.isFinite(fvu), batched.toString());
        int dead = batched.get("dead_features").getAsInt();
        assertTrue(dead >= 0 && dead <= 512 - 8, batched.toString());
        assertEquals(dead / 512.0, batched.get("dead_fraction").getAsDouble(), 1e-12);
        assertEquals(dead, single.get("dead_features").getAsInt());
        assertEquals(mse, single.get("mse").getAsDouble(), 1e-5 * mse);
        assertEquals(fvu, single.get("fvu").getAsDouble(), 1e-5 * fvu);
        assertEquals(batched, stats(golden, input, "--json"), "a rerun gives the same figures");
    }

    @Test
    void maxTextsAndPlainTable() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        Path input = goldenTexts(golden);
        JsonObject two = stats(golden, input, "--json", "--max-texts", "2");
        assertEquals(2, two.get("texts").getAsInt());
        assertEquals(golden.text(0).getAsJsonArray("ids").size() + golden.text(1).getAsJsonArray("ids").size(),
                two.get("tokens").getAsInt());
        CliRunner.Run table = CliRunner.run(args(golden, input, "--max-texts", "2"));
        assertEquals(0, table.exit(), table.err());
        for (String row : List.of("layer 1:", "dtype          f32", "MSE", "FVU", "mean L0", "dead features", "tokens",
                "texts")) {
            assertTrue(table.out().contains(row), table.out());
        }
    }

    @Test
    void refusesInputWithoutTokensAndMissingLayer() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "{\"text\":\"\"}\n");
        CliRunner.Run run = CliRunner.run(args(golden, empty, "--on-error", "skip", "--rejects",
                dir.resolve("rejects.jsonl").toString()));
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("toxiscope sae stats: "), run.err());
        assertTrue(run.err().contains("no text with at least one token"), run.err());
        String[] noLayer = args(golden, empty);
        noLayer[noLayer.length - 1] = "5";
        run = CliRunner.run(noLayer);
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("layer5.sae.pt"), run.err());
    }

    private Path goldenTexts(Golden golden) throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < golden.texts().size(); i++) {
            JsonObject record = new JsonObject();
            record.addProperty("text", golden.text(i).get("text").getAsString());
            jsonl.append(record).append('\n');
        }
        return Files.writeString(dir.resolve("texts.jsonl"), jsonl);
    }

    private static JsonObject stats(Golden golden, Path input, String... more) {
        CliRunner.Run run = CliRunner.run(args(golden, input, more));
        assertEquals(0, run.exit(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        return JsonParser.parseString(run.out()).getAsJsonObject();
    }

    /**
     * Arguments for the fixture in f32 (where other batching moves the figures by float rounding only), ending in
     * {@code --layer 1} after {@code more}.
     */
    private static String[] args(Golden golden, Path input, String... more) {
        List<String> args = new ArrayList<>(List.of("sae", "stats", "--model", golden.modelDir.toString(), "--sae",
                SharedFixtures.path("qwen3-tiny-sae").toString(), "--k", "8", "--input", input.toString(),
                "--dtype", "f32"));
        args.addAll(List.of(more));
        args.addAll(List.of("--layer", "1"));
        return args.toArray(String[]::new);
    }
}
