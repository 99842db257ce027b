package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.features.SharedFixtures;

/**
 * {@code --dtype}: a bad value is one line before any work; a bundle is applied in the dtype it was trained with
 * unless told otherwise, and another one is refused naming the flag that fixes it.
 */
class DtypeFlagTest {

    @TempDir
    static Path dir;

    static SampleSplit split;
    static String model;
    static String sae;
    /** A bundle trained with --dtype f32, whatever auto means on this machine. */
    static Path f32Bundle;

    @BeforeAll
    static void trainInF32() throws Exception {
        model = SharedFixtures.path("qwen3-tiny").toString();
        sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        split = SampleSplit.write(dir);
        f32Bundle = dir.resolve("f32.tsc");
        var t = CliRunner.run("train", "--model", model, "--sae", sae, "--k", "8", "--layer", "1", "--no-cache",
                "--dtype", "f32", "--data", split.train().toString(), "--method", "logreg", "--output",
                f32Bundle.toString());
        assertEquals(0, t.exit(), t.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"features", "generate", "label", "synthesize", "sae stats"})
    void aBogusDtypeIsOneLineBeforeAnyWork(String command) {
        String[] words = command.split(" ");
        String[] args = new String[words.length + 2];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--dtype";
        args[words.length + 1] = "bogus";
        var run = CliRunner.run(args);
        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("toxiscope " + command + ": ") && run.err().contains("--dtype")
                && run.err().contains("auto, bf16 or f32, not 'bogus'"), run.err());
    }

    @Test
    void aBundleTrainedInF32IsRefusedInBf16AndAppliedInF32ByDefault() throws Exception {
        assertEquals("f32", ClassifierBundle.load(f32Bundle).provenance().extraction().computeDtype());
        Path refused = dir.resolve("refused.csv");
        var bf16 = CliRunner.run("label", "--classifier", f32Bundle.toString(), "--input", split.test().toString(),
                "--output", refused.toString(), "--dtype", "bf16");
        assertEquals(1, bf16.exit(), bf16.err());
        assertEquals(1, bf16.err().strip().lines().count(), bf16.err());
        assertTrue(bf16.err().contains("dtype is bf16 but the classifier was trained with f32: run with --dtype f32 "
                + "(or retrain with --dtype bf16)"), bf16.err());
        assertTrue(Files.notExists(refused), "nothing written");

        Path labelled = dir.resolve("labelled.csv");
        var auto = CliRunner.run("label", "--classifier", f32Bundle.toString(), "--input", split.test().toString(),
                "--output", labelled.toString());
        assertEquals(0, auto.exit(), auto.err());
        Path explicit = dir.resolve("labelled-f32.csv");
        var f32 = CliRunner.run("label", "--classifier", f32Bundle.toString(), "--input", split.test().toString(),
                "--output", explicit.toString(), "--dtype", "F32");
        assertEquals(0, f32.exit(), f32.err());
        assertEquals(-1L, Files.mismatch(labelled, explicit), "auto applied the bundle's f32");

        Path report = dir.resolve("report");
        var eval = CliRunner.run("eval", "--classifier", f32Bundle.toString(), "--data", split.test().toString(),
                "--bootstrap", "0", "--report", report.toString());
        assertEquals(0, eval.exit(), eval.err());
        JsonObject source = JsonParser.parseString(Files.readString(report.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject().getAsJsonObject("provenance").getAsJsonArray("classifiers").get(0)
                .getAsJsonObject().getAsJsonObject("source");
        assertEquals("f32", source.getAsJsonObject("extraction").get("dtype").getAsString(), source.toString());
    }

    @Test
    void trainRecordsTheDtypeItRanIn() throws Exception {
        Path bundle = dir.resolve("bf16.tsc");
        var t = CliRunner.run("train", "--model", model, "--sae", sae, "--k", "8", "--layer", "1", "--no-cache",
                "--dtype", "bf16", "--data", split.train().toString(), "--method", "rule", "--output",
                bundle.toString());
        assertEquals(0, t.exit(), t.err());
        assertEquals("bf16", ClassifierBundle.load(bundle).provenance().extraction().computeDtype());
    }
}
