package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.features.SharedFixtures;

/**
 * The same flags give the same features in every command: features and train share one session record (a SAELens
 * top-k SAE without --relu is encoded alike), and eval/label use the token limit the bundle was trained with.
 */
class SessionConsistencyTest {

    @TempDir
    static Path dir;

    static Path release;
    static String model;
    static SampleSplit split;

    @BeforeAll
    static void copySaeLensRelease() throws Exception {
        Path saeLens = SharedFixtures.path("qwen3_5-tiny/sae/sae_lens/blocks.2.hook_resid_post");
        model = SharedFixtures.path("qwen3_5-tiny").toString();
        // A release folder whose SAE folder is not named after its hook.
        release = dir.resolve("release");
        Path sub = release.resolve("resid-two");
        Files.createDirectories(sub);
        for (String f : List.of("cfg.json", "sae_weights.safetensors")) {
            Files.copy(saeLens.resolve(f), sub.resolve(f));
        }
        split = SampleSplit.write(dir);
    }

    private static long cacheFiles(Path cache) throws Exception {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".tsfc")).count();
        }
    }

    @Test
    void featuresAndTrainEncodeASaeLensTopKSaeAlike() throws Exception {
        Path cache = dir.resolve("cache");
        Path bundle = dir.resolve("lens.tsc");
        var t = CliRunner.run("train", "--model", model, "--sae", release.toString(), "--layers", "all", "--data",
                split.train().toString(), "--method", "logreg", "--cache", cache.toString(), "--output",
                bundle.toString());
        assertEquals(0, t.exit(), t.err());
        assertTrue(ClassifierBundle.load(bundle).provenance().extraction().relu(),
                "SAELens top-k applies ReLU to the kept values");
        assertEquals(1, cacheFiles(cache));

        Path viaCache = dir.resolve("cached.jsonl");
        var f = CliRunner.run("features", "--model", model, "--sae", release.toString(), "--layers", "all",
                "--input", split.train().toString(), "--cache", cache.toString(), "--output", viaCache.toString());
        assertEquals(0, f.exit(), f.err());
        assertEquals(1, cacheFiles(cache), "features found train's cache: the same session settings");

        Path relu = dir.resolve("relu.jsonl");
        var r = CliRunner.run("features", "--model", model, "--sae", release.toString(), "--layers", "all",
                "--relu", "--input", split.train().toString(), "--no-cache", "--output", relu.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(pooled(relu), pooled(viaCache), "the pooled features train used");

        // Per-token codes show the activation: ReLU drops the negative kept values the raw top-k keeps.
        Path tokens = perToken("tokens.jsonl");
        Path reluTokens = perToken("relu-tokens.jsonl", "--relu");
        Path rawTokens = perToken("raw-tokens.jsonl", "--no-relu");
        assertEquals(Files.readAllLines(reluTokens), Files.readAllLines(tokens), "no flag = ReLU for SAELens top-k");
        assertNotEquals(Files.readAllLines(rawTokens), Files.readAllLines(tokens));
    }

    private static Path perToken(String name, String... flags) {
        Path out = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("features", "--model", model, "--sae",
                release.toString(), "--layer", "2", "--per-token", "--input", split.test().toString(), "--output",
                out.toString()));
        args.addAll(List.of(flags));
        var run = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        return out;
    }

    private static List<String> pooled(Path features) throws Exception {
        return Files.readAllLines(features).stream().map(SessionConsistencyTest::vectors).toList();
    }

    /** A features line's pooled indices and values rounded to 1e-5, whatever layer wrapping it has. */
    private static String vectors(String line) {
        var o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
        var layer = o.has("layers") ? o.getAsJsonObject("layers").getAsJsonObject("2") : o;
        var pooled = layer.getAsJsonObject("pooled");
        StringBuilder sb = new StringBuilder(pooled.get("indices").toString()).append('|');
        pooled.getAsJsonArray("values").forEach(v -> sb.append(String.format("%.5f,", v.getAsDouble())));
        return sb.toString();
    }

    @Test
    void evalAndLabelUseTheBundlesTokenLimitAndRefuseAnother() throws Exception {
        Path bundle = dir.resolve("short.tsc");
        var t = CliRunner.run("train", "--model", model, "--sae", release.toString(), "--layer", "2", "--data",
                split.train().toString(), "--method", "rule", "--top-features", "5", "--max-tokens", "6",
                "--no-cache", "--output", bundle.toString());
        assertEquals(0, t.exit(), t.err());
        assertEquals(6, ClassifierBundle.load(bundle).provenance().extraction().tokenLimit());
        var runtime = ClassifierBundle.load(bundle).provenance().extraction().runtime();
        assertEquals("cpu", runtime.device());
        assertTrue(runtime.engine().startsWith("PyTorch "), runtime.engine());
        assertTrue(!runtime.djl().isBlank() && !runtime.java().isBlank() && !runtime.os().isBlank(), runtime.toString());

        var refused = CliRunner.run("eval", "--classifier", bundle.toString(), "--data", split.test().toString(),
                "--max-tokens", "0", "--report", dir.resolve("refused").toString());
        assertNotEquals(0, refused.exit());
        assertTrue(refused.err().contains("but the classifier was trained with 6"), refused.err());
        var label = CliRunner.run("label", "--classifier", bundle.toString(), "--input", split.test().toString(),
                "--max-tokens", "12", "--output", dir.resolve("refused.csv").toString());
        assertNotEquals(0, label.exit());
        assertTrue(label.err().contains("max_tokens is 12"), label.err());

        var ok = CliRunner.run("eval", "--classifier", bundle.toString(), "--data", split.test().toString(),
                "--report", dir.resolve("report").toString());
        assertEquals(0, ok.exit(), "without --max-tokens eval runs with the bundle's limit: " + ok.err());
    }

    @Test
    void noLimitGivenRecordsTheModelsLimitAndOldBundlesWithNoLimitStillLoad() throws Exception {
        Path bundle = dir.resolve("default-limit.tsc");
        var t = CliRunner.run("train", "--model", model, "--sae", release.toString(), "--layer", "2", "--data",
                split.train().toString(), "--method", "rule", "--top-features", "5", "--no-cache", "--output",
                bundle.toString());
        assertEquals(0, t.exit(), t.err());
        // qwen3_5-tiny's config.json: max_position_embeddings 262144.
        assertEquals(262144, ClassifierBundle.load(bundle).provenance().extraction().tokenLimit());

        // A bundle from before the default limit recorded 0 (no limit): it must still run, without --max-tokens.
        Path old = dir.resolve("old-no-limit.tsc");
        try (ZipFile in = new ZipFile(bundle.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(old))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("bundle.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8);
                    String edited = json.replaceAll("\"max_tokens\"\\s*:\\s*262144", "\"max_tokens\": 0");
                    assertNotEquals(json, edited, "bundle.json records max_tokens");
                    bytes = edited.getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertEquals(0, ClassifierBundle.load(old).provenance().extraction().tokenLimit());
        var label = CliRunner.run("label", "--classifier", old.toString(), "--input", split.test().toString(),
                "--output", dir.resolve("old.csv").toString());
        assertEquals(0, label.exit(), label.err());
        var refused = CliRunner.run("label", "--classifier", old.toString(), "--input", split.test().toString(),
                "--max-tokens", "6", "--output", dir.resolve("old-6.csv").toString());
        assertNotEquals(0, refused.exit());
        assertTrue(refused.err().contains("max_tokens is 6 but the classifier was trained with 0"), refused.err());
    }
}
