package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.cli.CliRunner.run;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.cli.CliRunner.Run;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusStats;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.datasets.StatsReport;

class DataCommandsTest {

    @TempDir
    Path dir;

    @Test
    void statsJsonFollowsTheContract() throws Exception {
        Files.createDirectories(dir.resolve("corpus/fr"));
        Files.writeString(dir.resolve("corpus/de.csv"), "text,toxic\nhallo,0\ndu Idiot,1\nHallo ,0\n");
        Files.writeString(dir.resolve("corpus/fr/train.jsonl"), "{\"text\":\"salut\",\"toxic\":false}\n");
        Run r = run("data", "stats", "--input", dir.resolve("corpus").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(4, json.get("records").getAsLong());
        assertEquals(0, json.get("rejected").getAsLong());
        assertEquals(1, json.get("duplicates").getAsLong());
        JsonObject de = json.getAsJsonObject("by_language").getAsJsonObject("de");
        assertEquals(1, de.get("toxic").getAsLong());
        assertEquals(2, de.get("non_toxic").getAsLong());
        assertEquals(1, json.getAsJsonObject("by_language").getAsJsonObject("fr").get("non_toxic").getAsLong());
    }

    @Test
    void badRecordFailsWithFileAndLineOrIsSkippedIntoRejects() throws Exception {
        Path f = dir.resolve("en.csv");
        Files.writeString(f, "text,toxic\nfine,0\nbad,perhaps\nok,1\n");
        Run failed = run("data", "stats", "--input", f.toString(), "--json");
        assertEquals(1, failed.exit());
        assertTrue(failed.err().contains(f + ":3: field 'toxic': label \"perhaps\""), failed.err());
        assertEquals("", failed.out());

        Path rejects = dir.resolve("rejects.jsonl");
        Run skipped = run("data", "stats", "--input", f.toString(), "--on-error", "skip", "--rejects", rejects.toString(),
                "--json");
        assertEquals(0, skipped.exit(), skipped.err());
        JsonObject json = JsonParser.parseString(skipped.out()).getAsJsonObject();
        assertEquals(2, json.get("records").getAsLong());
        assertEquals(1, json.get("rejected").getAsLong());
        assertEquals(1, Files.readAllLines(rejects).size());
    }

    @Test
    void splitWritesStratifiedFilesThatReadBack() throws Exception {
        Path sample = SampleCorpus.copyTo(dir);
        Path out = dir.resolve("splits");
        Run r = run("data", "split", "--input", sample.toString(), "--id-column", "id", "--output", out.toString(),
                "--splits", "train=0.5,test=0.5", "--format", "csv", "--compress", "gz", "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        StatsReport train = CorpusStats.of(Corpus.of(out.resolve("train.csv.gz"), ColumnMapping.defaults().withId("id")));
        StatsReport test = CorpusStats.of(Corpus.of(out.resolve("test.csv.gz"), ColumnMapping.defaults().withId("id")));
        assertEquals(154, train.records());
        assertEquals(154, test.records());
        train.byLanguage().forEach((lang, c) -> assertEquals(List.of(11L, 11L), List.of(c.toxic(), c.nonToxic()), lang));
        Run again = run("data", "split", "--input", sample.toString(), "--id-column", "id", "--output",
                dir.resolve("again").toString(), "--splits", "train=0.5,test=0.5", "--format", "csv", "--compress", "gz",
                "--seed", "3");
        assertEquals(0, again.exit(), again.err());
        assertEquals(-1L, Files.mismatch(out.resolve("train.csv.gz"), dir.resolve("again/train.csv.gz")));
    }

    @Test
    void splitResumesAnInterruptedRunToTheSameBytes() throws Exception {
        Path sample = SampleCorpus.copyTo(dir);
        String[] args = {"data", "split", "--input", sample.toString(), "--id-column", "id", "--splits",
            "train=0.5,test=0.5", "--format", "tsv", "--compress", "zst", "--output"};
        Run whole = run(concat(args, dir.resolve("whole").toString()));
        assertEquals(0, whole.exit(), whole.err());

        // An interrupted run: stopped as a kill would after 100 records, nothing committed.
        Path resumed = dir.resolve("resumed");
        Run stopped = run(concat(concat(args, resumed.toString()), "--stop-after", "100"));
        assertEquals(3, stopped.exit(), stopped.err());
        assertTrue(stopped.err().contains("continue with: toxiscope data split") && stopped.err().contains("--resume"),
                stopped.err());
        assertTrue(Files.exists(resumed.resolve("train.tsv.zst.partial")));
        assertFalse(Files.exists(resumed.resolve("train.tsv.zst")));
        Run again = run(concat(concat(args, resumed.toString()), "--resume"));
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("resuming"), again.err());
        for (String name : List.of("train.tsv.zst", "test.tsv.zst")) {
            assertEquals(-1L, Files.mismatch(dir.resolve("whole").resolve(name), resumed.resolve(name)), name);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void sampleFlagCutsTheCorpus() {
        Path sample = SampleCorpus.copyTo(dir);
        Run r = run("data", "stats", "--input", sample.toString(), "--id-column", "id", "--sample", "70", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(70, json.get("records").getAsLong());
        assertEquals(10, json.getAsJsonObject("by_language").getAsJsonObject("ru").get("toxic").getAsLong()
                + json.getAsJsonObject("by_language").getAsJsonObject("ru").get("non_toxic").getAsLong());
    }

    @Test
    void mappingFlagsReachTheReader() throws Exception {
        Path f = dir.resolve("raw.tsv");
        Files.writeString(f, "a1\tidiot\t0.9\na2\thello\t0.2\n");
        Run r = run("data", "stats", "--input", f.toString(), "--columns", "key,body,score", "--text-column", "body",
                "--label-column", "score", "--label-threshold", "0.8", "--lang", "en", "--id-column", "key", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonObject en = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("by_language")
                .getAsJsonObject("en");
        assertEquals(1, en.get("toxic").getAsLong());
        assertEquals(1, en.get("non_toxic").getAsLong());

        Run both = run("data", "stats", "--input", f.toString(), "--lang", "en", "--lang-column", "x");
        assertEquals(1, both.exit());
        assertTrue(both.err().contains("not both"), both.err());
    }

    @Test
    void helpShowsAnExample() {
        for (String cmd : List.of("stats", "split")) {
            Run r = run("data", cmd, "--help");
            assertEquals(0, r.exit());
            assertTrue(r.out().contains("Example:") && r.out().contains("--label-column"), r.out());
        }
    }
    /** PolygloToxicityPrompts-like JSONL: the text and the Perspective score nested, addressed by dotted paths. */
    @Test
    void splitAndStatsTakeDottedPathsIntoNestedJsonAndKeepNestedValues() throws Exception {
        String score = "perspective.attributeScores.TOXICITY.summaryScore.value";
        StringBuilder ptp = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String lang = i % 2 == 0 ? "en" : "de";
            double value = i % 4 < 2 ? 0.9 : 0.1;
            ptp.append("{\"id\":\"p").append(i).append("\",\"prompt\":{\"text\":\"prompt number ").append(i)
                    .append("\"},\"perspective\":{\"attributeScores\":{\"TOXICITY\":{\"summaryScore\":{\"value\":")
                    .append(value).append("}}}},\"lang\":\"").append(lang).append("\"}\n");
        }
        Path f = dir.resolve("ptp.jsonl");
        Files.writeString(f, ptp.toString());
        Run stats = run("data", "stats", "--input", f.toString(), "--text-column", "prompt.text", "--label-column", score,
                "--json");
        assertEquals(0, stats.exit(), stats.err());
        JsonObject en = JsonParser.parseString(stats.out()).getAsJsonObject().getAsJsonObject("by_language")
                .getAsJsonObject("en");
        assertEquals(List.of(5L, 5L), List.of(en.get("toxic").getAsLong(), en.get("non_toxic").getAsLong()));

        Path out = dir.resolve("splits");
        Run split = run("data", "split", "--input", f.toString(), "--text-column", "prompt.text", "--label-column", score,
                "--output", out.toString(), "--splits", "train=0.5,test=0.5", "--format", "jsonl", "--seed", "1");
        assertEquals(0, split.exit(), split.err());
        String line = Files.readAllLines(out.resolve("train.jsonl")).get(0);
        JsonObject row = JsonParser.parseString(line).getAsJsonObject();
        assertTrue(row.get("prompt").isJsonObject(), "nested, not a JSON string: " + line);
        assertTrue(row.get("perspective").isJsonObject(), line);

        Files.writeString(f, ptp + "{\"prompt\":{\"text\":\"late\"},\"perspective\":{}}\n");
        Run missing = run("data", "stats", "--input", f.toString(), "--text-column", "prompt.text", "--label-column",
                score, "--json");
        assertEquals(1, missing.exit());
        assertEquals("toxiscope data stats: " + f + ":21: field '" + score
                + "': missing value: no 'attributeScores' in perspective", missing.err().strip());
    }
}
