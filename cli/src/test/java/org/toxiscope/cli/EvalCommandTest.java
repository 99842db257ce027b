package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.cli.CliRunner.run;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.cli.CliRunner.Run;
import org.toxiscope.eval.ClassifierEvaluation;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.MetricsConfig;
import org.toxiscope.eval.Predictions;
import org.toxiscope.eval.ScoredExample;

class EvalCommandTest {

    /** A labelled output as toxiscope label might write it: gold, score, decision and language per text. */
    private static Path labelledOutput(Path dir, String name, long seed) throws Exception {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        String[] langs = {"en", "de", "zh"};
        for (int i = 0; i < 300; i++) {
            String lang = langs[i % 3];
            boolean gold = random.nextDouble() < 0.3;
            double score = 1 / (1 + Math.exp(-((gold ? 1.5 : -1.5) + random.nextGaussian())));
            sb.append(String.format(Locale.ROOT, "{\"id\":\"t%d\",\"text\":\"...\",\"lang\":\"%s\",\"gold\":%b,"
                    + "\"toxic_score\":%.6f,\"toxic\":%b}%n", i, lang, gold, score, score >= 0.5));
        }
        Path file = dir.resolve(name);
        Files.writeString(file, sb);
        return file;
    }

    @Test
    void reportJsonEqualsARecomputationFromTheLabelledOutput(@TempDir Path dir) throws Exception {
        Path a = labelledOutput(dir, "a.jsonl", 1);
        Path b = labelledOutput(dir, "b.jsonl", 2);
        Path out = dir.resolve("report");
        Run r = run("eval", "--labelled", a.toString(), "--name", "first", "--labelled", b.toString(),
                "--name", "second", "--gold-column", "gold", "--languages", "sw", "--bootstrap", "100",
                "--report", out.toString());
        assertEquals(0, r.exit(), r.err());
        for (String f : List.of(EvalReport.REPORT_JSON, EvalReport.PER_LANGUAGE_CSV, EvalReport.INDEX_HTML)) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject();
        MetricsConfig config = new MetricsConfig(100, 42, 0.95, 10, 200);
        // Recompute from the file with an independent reader: one JSON object per line.
        List<ScoredExample> rows = new ArrayList<>();
        for (String line : Files.readAllLines(b)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            rows.add(new ScoredExample(o.get("id").getAsString(), o.get("lang").getAsString(),
                    o.get("gold").getAsBoolean(), o.get("toxic_score").getAsDouble(), o.get("toxic").getAsBoolean()));
        }
        ClassifierEvaluation expected = ClassifierEvaluation.evaluate("second", Predictions.of(rows), Set.of("sw"),
                config);
        assertEquals(EvalReport.gson().toJsonTree(expected), json.getAsJsonArray("classifiers").get(1));
        JsonObject source = json.getAsJsonObject("provenance").getAsJsonArray("classifiers").get(1).getAsJsonObject()
                .getAsJsonObject("source");
        assertEquals(300, source.get("rows").getAsInt());
        assertEquals(64, source.get("sha256").getAsString().length());
        assertEquals(0, json.getAsJsonArray("classifiers").get(0).getAsJsonObject().getAsJsonObject("languages")
                .getAsJsonObject("sw").get("n").getAsInt());
    }

    @Test
    void badLabelIsOneLineNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"gold\":true,\"toxic_score\":0.9,\"toxic\":true}\n"
                + "{\"gold\":\"sometimes\",\"toxic_score\":0.9,\"toxic\":true}\n");
        Run r = run("eval", "--labelled", file.toString(), "--gold-column", "gold", "--report",
                dir.resolve("r").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("toxiscope eval: "), r.err());
        assertTrue(r.err().contains("bad.jsonl line 2: column gold: cannot read 'sometimes'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(Files.notExists(dir.resolve("r")), "no report folder on failure");
    }

    @Test
    void goldColumnEqualToPredictionColumnIsRefused(@TempDir Path dir) throws Exception {
        Run r = run("eval", "--labelled", labelledOutput(dir, "a.jsonl", 1).toString(), "--gold-column", "toxic",
                "--pred-column", "toxic", "--report", dir.resolve("r").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--pred-column none"), r.err());
    }

    @Test
    void modelRunSubcommandsParseTheirFlagsAndNameAMissingSaeOrFile(@TempDir Path dir) {
        Run r = run("eval", "curve", "--model", "m", "--sae", "s", "--layers", "all", "--data", "train.jsonl",
                "--test", "test.jsonl", "--method", "rule", "--report", dir.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("'s' is not an existing path"), r.err());
        Run layers = run("eval", "layers", "--model", "m", "--sae", "s", "--layers", "all", "--data", "d",
                "--test", "t", "--report", dir.toString());
        assertEquals(1, layers.exit());
        assertTrue(layers.err().contains("'s' is not an existing path"), layers.err());
    }

    @Test
    void helpHasAnExample() {
        Run help = run("eval", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Example:"));
        assertTrue(help.out().contains("--gold-column"));
    }
}
