package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.features.SharedFixtures;

/**
 * Jigsaw Toxic Comment's test.csv (id, comment_text; quoted multi-line comments) and test_labels.csv (id and six
 * labels, -1 = not scored) in their exact layout: joined on id, the unscored rows skipped by default and counted, and
 * the joined file read by stats, train and eval with the scored rows only, and labelled whole.
 */
class JigsawLayoutTest {

    private static final List<String> LABELS = List.of("toxic", "severe_toxic", "obscene", "threat", "insult",
            "identity_hate");
    private static final int ROWS = 48;

    @TempDir
    static Path dir;

    static Path joined;

    private static boolean unscored(int i) {
        return i % 3 == 2;
    }

    private static boolean toxic(int i) {
        return i % 2 == 1;
    }

    private static boolean insult(int i) {
        return toxic(i) && i % 4 == 3;
    }

    @BeforeAll
    static void writeAndJoin() throws Exception {
        StringBuilder test = new StringBuilder("id,comment_text\n");
        StringBuilder labels = new StringBuilder("id," + String.join(",", LABELS) + "\n");
        for (int i = 0; i < ROWS; i++) {
            String id = String.format(Locale.ROOT, "%016x", 0x00001cee341fdb12L + 7919L * i);
            String comment = i % 4 == 0
                    ? "\"== Heading " + i + " ==\n\n\"\"Quoted\"\" words, and a second line " + i + ".\""
                    : "\"Comment number " + i + ", with a comma\"";
            test.append(id).append(',').append(comment).append('\n');
            labels.append(id);
            for (String label : LABELS) {
                int v = unscored(i) ? -1 : label.equals("toxic") ? (toxic(i) ? 1 : 0)
                        : label.equals("insult") ? (insult(i) ? 1 : 0) : 0;
                labels.append(',').append(v);
            }
            labels.append('\n');
        }
        Path testCsv = Files.writeString(dir.resolve("test.csv"), test);
        Path labelsCsv = Files.writeString(dir.resolve("test_labels.csv"), labels);
        joined = dir.resolve("test_joined.csv");
        CliRunner.Run r = CliRunner.run("data", "join", "--on", "id", testCsv.toString(), labelsCsv.toString(),
                "--output", joined.toString());
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(ROWS, json.get("joined").getAsInt());
        List<String> columns = new ArrayList<>(List.of("id", "comment_text"));
        columns.addAll(LABELS);
        List<String> written = new ArrayList<>();
        json.getAsJsonArray("columns").forEach(c -> written.add(c.getAsString()));
        assertEquals(columns, written);
        assertTrue(r.err().contains("; " + ROWS + " rows joined; 0 ids only in " + testCsv + ", 0 only in "
                + labelsCsv), r.err());
    }

    @Test
    void theJoinedFileReadsWithUnscoredRowsSkippedAndCounted() throws Exception {
        long scored = java.util.stream.IntStream.range(0, ROWS).filter(i -> !unscored(i)).count();
        long toxicCount = java.util.stream.IntStream.range(0, ROWS).filter(i -> !unscored(i) && toxic(i)).count();
        long insultCount = java.util.stream.IntStream.range(0, ROWS).filter(i -> !unscored(i) && insult(i)).count();
        assertEquals(List.of(32L, 16L, 8L), List.of(scored, toxicCount, insultCount));

        CliRunner.Run stats = CliRunner.run("data", "stats", "--input", joined.toString(), "--lang", "en",
                "--label-column", "toxic,insult", "--json");
        assertEquals(0, stats.exit(), stats.err());
        JsonObject json = JsonParser.parseString(stats.out()).getAsJsonObject();
        assertEquals(scored, json.get("records").getAsLong());
        assertEquals(0, json.get("rejected").getAsLong());
        JsonObject en = json.getAsJsonObject("by_language").getAsJsonObject("en");
        assertEquals(toxicCount, en.get("toxic").getAsLong());
        assertEquals(scored - toxicCount, en.get("non_toxic").getAsLong());
        assertTrue(stats.err().contains("; 16 rows skipped: label -1 (unscored)"), stats.err());

        // The label reading eval and train share: every label column of the scored rows, multi-line texts whole.
        List<TextRecord> records;
        try (RecordStream s = Corpus.of(joined, ColumnMapping.defaults().withLabels(LABELS)).read()) {
            records = s.stream().toList();
            assertEquals(16, s.skipped());
        }
        assertEquals(scored, records.size());
        assertEquals(insultCount, records.stream().filter(r -> r.labels().get("insult")).count());
        assertEquals("== Heading 0 ==\n\n\"Quoted\" words, and a second line 0.", records.get(0).text());
    }

    @Test
    void withoutSkippingTheMinusOneIsRefusedNamingTheFlag() {
        CliRunner.Run r = CliRunner.run("data", "stats", "--input", joined.toString(), "--skip-label", "none");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(joined + ":"), r.err());
        assertTrue(r.err().contains("field 'toxic': label \"-1\""), r.err());
        assertTrue(r.err().contains("pass --skip-label -1"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void trainAndEvalOnTheJoinedFileUseTheScoredRowsOnly() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        Path bundle = dir.resolve("jigsaw.tsc");
        CliRunner.Run train = CliRunner.runWithSystemErr("train", "--model", model, "--sae", sae, "--k", "8",
                "--layer", "1", "--cache", dir.resolve("cache").toString(), "--data", joined.toString(),
                "--label-column", "toxic,insult", "--method", "logreg", "--output", bundle.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.err().contains("; 16 rows skipped: label -1 (unscored)"), train.err());
        assertEquals(List.of("toxic", "insult"), ClassifierBundle.load(bundle).labelNames());

        Path report = dir.resolve("report");
        CliRunner.Run eval = CliRunner.runWithSystemErr("eval", "--classifier", bundle.toString(), "--data",
                joined.toString(), "--bootstrap", "0", "--report", report.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.err().contains("jigsaw.tsc: 32 predictions"), eval.err());
        assertTrue(eval.err().contains("; 16 rows skipped: label -1 (unscored)"), eval.err());
        assertTrue(Files.exists(report.resolve(EvalReport.REPORT_JSON)));

        // label uses the texts only: it labels every row, the unscored ones too.
        Path labelled = dir.resolve("labelled.csv");
        CliRunner.Run label = CliRunner.runWithSystemErr("label", "--classifier", bundle.toString(), "--input",
                joined.toString(), "--output", labelled.toString());
        assertEquals(0, label.exit(), label.err());
        assertTrue(!label.err().contains("skipped"), label.err());
        try (RecordStream s = Corpus.of(labelled, ColumnMapping.defaults().withoutLabels()).read()) {
            assertEquals(ROWS, s.stream().count());
        }
    }
}
