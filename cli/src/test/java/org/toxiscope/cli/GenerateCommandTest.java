package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.Golden;

/** {@code toxiscope generate} reproduces the golden greedy and steered continuations; bad input gets one line. */
class GenerateCommandTest {

    private static final int GOLDEN_RUNS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void greedyBatchReproducesGolden(String name) throws Exception {
        Golden golden = Golden.load(name);
        List<JsonObject> lines = generate(golden, List.of());
        for (int i = 0; i < GOLDEN_RUNS; i++) {
            JsonObject text = golden.text(i);
            JsonObject line = lines.get(i);
            assertEquals(text.get("text").getAsString(), line.get("prompt").getAsString());
            assertArrayEquals(Golden.ints(text.getAsJsonArray("ids")), Golden.ints(line.getAsJsonArray("prompt_ids")));
            assertArrayEquals(Golden.ints(text.getAsJsonObject("greedy").getAsJsonArray("new_tokens")),
                    Golden.ints(line.getAsJsonArray("generated_ids")), name + " text " + i);
            assertTrue(line.has("text") && !line.has("steering"), line.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void steeredBatchReproducesGolden(String name) throws Exception {
        Golden golden = Golden.load(name);
        JsonObject steering = golden.root.getAsJsonObject("steering");
        int feature = steering.get("feature").getAsInt();
        int layer = steering.get("layer").getAsInt();
        String sae = SharedFixtures.path(name + "-sae").toString();
        List<JsonObject> lines = generate(golden, List.of("--sae", sae, "--k", "8", "--layer", String.valueOf(layer),
                "--steer", feature + ":" + steering.get("alpha").getAsFloat()));
        for (int i = 0; i < GOLDEN_RUNS; i++) {
            JsonObject line = lines.get(i);
            JsonObject expected = golden.text(i).getAsJsonObject("greedy_steered");
            assertArrayEquals(Golden.ints(expected.getAsJsonArray("new_tokens")),
                    Golden.ints(line.getAsJsonArray("generated_ids")), name + " text " + i);
            JsonObject term = line.getAsJsonArray("steering").get(0).getAsJsonObject();
            assertEquals(layer, term.get("layer").getAsInt());
            assertEquals(feature, term.get("feature").getAsInt());
            assertEquals(4.0, term.get("alpha").getAsDouble());
        }
    }

    @Test
    void sameSeedSameSample() throws Exception {
        String model = Golden.load("qwen3-tiny").modelDir.toString();
        String[] args = {"generate", "--model", model, "--prompt", "Hello there", "--max-new-tokens", "10",
            "--ignore-eos", "--temperature", "0.8", "--top-p", "0.95", "--json", "--seed", "11"};
        CliRunner.Run first = CliRunner.run(args);
        CliRunner.Run again = CliRunner.run(args);
        args[args.length - 1] = "12";
        CliRunner.Run other = CliRunner.run(args);
        assertEquals(0, first.exit(), first.err());
        assertEquals(first.out(), again.out());
        assertNotEquals(first.out(), other.out());
        assertEquals(10, JsonParser.parseString(first.out()).getAsJsonObject().getAsJsonArray("generated_ids").size());
    }

    @Test
    void plainTextShowsPromptAndContinuation() throws Exception {
        String model = Golden.load("qwen3-tiny").modelDir.toString();
        CliRunner.Run run = CliRunner.run("generate", "--model", model, "--prompt", "Hello there", "--max-new-tokens",
                "4", "--greedy");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("Hello there"), run.out());
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        String model = Golden.load("qwen3-tiny").modelDir.toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        List<String> base = List.of("generate", "--model", model, "--prompt", "Hi", "--max-new-tokens", "2");
        assertOneLineError(1, "--steer '12'", with(base, "--sae", sae, "--k", "8", "--layer", "1", "--steer", "12"));
        assertOneLineError(1, "alpha 'x'", with(base, "--sae", sae, "--k", "8", "--layer", "1", "--steer", "12:x"));
        assertOneLineError(1, "feature 512 is outside 0..511",
                with(base, "--sae", sae, "--k", "8", "--layer", "1", "--steer", "512:1"));
        assertOneLineError(1, "--steer needs --sae and --layer", with(base, "--steer", "3:1"));
        assertOneLineError(1, "--layer 7 does not exist",
                with(base, "--sae", sae, "--k", "8", "--layer", "7", "--steer", "3:1"));
        assertOneLineError(1, "--steer-from", with(base, "--steer-from", "middle"));
        assertOneLineError(1, "--greedy takes no", with(base, "--greedy", "--temperature", "0.5"));
        assertOneLineError(2, "--prompt", new String[] {"generate", "--model", model});
        assertOneLineError(1, "no config.json", new String[] {"generate", "--model", sae, "--prompt", "Hi"});
    }

    @Test
    void maxNewTokensIsBoundedByTheModelsPositionsBeforeAnythingIsAllocated() throws Exception {
        String model = Golden.load("qwen3-tiny").modelDir.toString();
        // "Hi" is one token; qwen3-tiny's config.json gives max_position_embeddings 4096.
        assertOneLineError(1, "--max-new-tokens 2000000000 is too many: the longest prompt has 1 tokens and the "
                + "model positions 4096 (max_position_embeddings), so at most 4095 new tokens fit",
                new String[] {"generate", "--model", model, "--prompt", "Hi", "--max-new-tokens", "2000000000"});
        assertOneLineError(1, "--max-new-tokens 4096 is too many",
                new String[] {"generate", "--model", model, "--prompt", "Hi", "--max-new-tokens", "4096"});
        assertOneLineError(1, "--max-new-tokens must be >= 1, got 0",
                new String[] {"generate", "--model", model, "--prompt", "Hi", "--max-new-tokens", "0"});
    }

    private static void assertOneLineError(int exit, String fragment, String[] args) {
        CliRunner.Run run = CliRunner.run(args);
        assertEquals(exit, run.exit(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("toxiscope generate: ") && run.err().contains(fragment), run.err());
    }

    private static String[] with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Golden texts 0..2 as one batch of prompts, 12 greedy tokens each, in f32 as the goldens were computed. */
    private static List<JsonObject> generate(Golden golden, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", golden.modelDir.toString(),
                "--max-new-tokens", "12", "--greedy", "--ignore-eos", "--json", "--dtype", "f32"));
        for (int i = 0; i < GOLDEN_RUNS; i++) {
            args.add("--prompt");
            args.add(golden.text(i).get("text").getAsString());
        }
        args.addAll(extra);
        CliRunner.Run run = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        List<JsonObject> lines = run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(GOLDEN_RUNS, lines.size(), run.out());
        return lines;
    }
}
