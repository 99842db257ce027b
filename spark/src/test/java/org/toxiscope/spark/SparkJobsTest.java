package org.toxiscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.cli.Toxiscope;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SharedFixtures;

/**
 * The Spark jobs in local mode (2 task threads, a task may be tried twice) on the tiny fixture model and the shipped
 * sample, against the single-machine commands run in the same JVM on the same input.
 */
class SparkJobsTest {

    @TempDir
    static Path dir;
    static String model;
    static String sae;
    static Path sample;
    static Path bundle;
    static Path singleLabelled;
    static SparkSession spark;

    @BeforeAll
    static void trainAndLabelOnOneMachine() throws IOException {
        model = SharedFixtures.path("qwen3-tiny").toString();
        sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        sample = SampleCorpus.copyTo(dir);
        bundle = dir.resolve("toxic.tsc");
        assertEquals(0, Toxiscope.commandLine().execute("train", "--model", model, "--sae", sae, "--k", "8",
                "--cache", dir.resolve("cache").toString(), "--layer", "1", "--data", sample.toString(), "--method",
                "logreg", "--output", bundle.toString()));
        singleLabelled = dir.resolve("single.jsonl");
        assertEquals(0, Toxiscope.commandLine().execute("label", "--classifier", bundle.toString(), "--input",
                sample.toString(), "--output", singleLabelled.toString(), "--chunk", "64"));
        spark = SparkSession.builder().master("local[2,2]").appName("toxiscope-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    static List<JsonObject> jsonLines(Path fileOrFolder) throws IOException {
        List<Path> files;
        if (Files.isDirectory(fileOrFolder)) {
            try (Stream<Path> s = Files.list(fileOrFolder)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
            }
        } else {
            files = List.of(fileOrFolder);
        }
        List<JsonObject> rows = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                rows.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return rows;
    }

    /** Row for row: the same input columns, scores within 1e-6, the same decisions and explanations. */
    static void assertSameLabels(List<JsonObject> single, List<JsonObject> spark) {
        assertEquals(single.size(), spark.size(), "row count");
        for (int i = 0; i < single.size(); i++) {
            JsonObject a = single.get(i);
            JsonObject b = spark.get(i);
            String id = a.get("id").getAsString();
            assertEquals(id, b.get("id").getAsString(), "row " + i);
            assertEquals(a.get("text").getAsString(), b.get("text").getAsString(), id);
            assertEquals(a.get("lang").getAsString(), b.get("lang").getAsString(), id);
            assertEquals(a.get("toxic").getAsInt(), b.get("toxic").getAsInt(), id + ": gold column untouched");
            assertEquals(Double.parseDouble(a.get("toxic_score").getAsString()), b.get("toxic_score").getAsDouble(),
                    1e-6, id);
            assertEquals(a.get("toxic_pred").getAsInt(), b.get("toxic_pred").getAsInt(), id);
            assertEquals(a.get("top_features").getAsString(), b.get("top_features").getAsString(), id);
        }
    }

    static long partFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }

    @Test
    void labelEqualsSingleMachineRowForRowWithTheModelOpenedOncePerJvm() throws IOException {
        int loadsBefore = ExecutorSessions.loads();
        Path out = dir.resolve("spark-labelled");
        SparkRun r = SparkRun.of("label", "--classifier", bundle.toString(), "--input", sample.toString(), "--output",
                out.toString(), "--partitions", "3", "--chunk", "64");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertEquals(3, partFiles(out), "308 rows in 5 chunks of 64 spread over 3 partitions");
        assertSameLabels(jsonLines(singleLabelled), jsonLines(out));
        assertTrue(r.err().contains("3/3 partitions"), r.err());

        Path again = dir.resolve("spark-labelled-again");
        assertEquals(0, SparkRun.of("label", "--classifier", bundle.toString(), "--input", sample.toString(), "--output",
                again.toString(), "--partitions", "3", "--chunk", "64").exit());
        assertEquals(Files.readString(out.resolve(firstPart(out))), Files.readString(again.resolve(firstPart(again))),
                "a re-run writes the same rows");
        assertTrue(ExecutorSessions.loads() - loadsBefore <= 1,
                "6 tasks on 2 threads in one JVM open the model at most once");
    }

    private static String firstPart(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndNoRowIsLostOrDuplicated() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        SparkListener failures = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExceptionFailure f && f.description().contains("injected failure")) {
                    failed.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(failures);
        Path out = dir.resolve("spark-retried");
        SparkRun r;
        try {
            r = SparkRun.of("label", "--classifier", bundle.toString(), "--input", sample.toString(), "--output",
                    out.toString(), "--partitions", "3", "--chunk", "64", "--fail-once");
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(failures);
        }
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, failed.get(), "one task attempt failed after writing its first chunk, and was retried");
        List<JsonObject> rows = jsonLines(out);
        assertEquals(308, rows.size());
        assertEquals(308, new HashSet<>(rows.stream().map(o -> o.get("id").getAsString()).toList()).size(),
                "no duplicates");
        assertSameLabels(jsonLines(singleLabelled), rows);
    }

    @Test
    void csvWithQuotesAndLineBreaksInSparksOwnSplitsMatchesSingleMachine() throws IOException {
        Path csv = dir.resolve("comments.csv");
        List<String> lines = new ArrayList<>(List.of("id,comment_text,lang"));
        try (RecordStream s = SampleCorpus.corpus().read()) {
            int i = 0;
            for (TextRecord t : (Iterable<TextRecord>) s.stream()::iterator) {
                String text = i++ % 10 == 0 ? t.text() + " \"quoted\", with a comma\nand a second line" : t.text();
                lines.add(t.id() + ",\"" + text.replace("\"", "\"\"") + "\"," + t.lang());
            }
        }
        Files.write(csv, lines);
        Path single = dir.resolve("single.csv");
        assertEquals(0, Toxiscope.commandLine().execute("label", "--classifier", bundle.toString(), "--input",
                csv.toString(), "--output", single.toString()));
        Path out = dir.resolve("spark-csv");
        SparkRun r = SparkRun.of("label", "--classifier", bundle.toString(), "--input", csv.toString(), "--output",
                out.toString());
        assertEquals(0, r.exit(), r.err());

        List<TextRecord> a = read(single);
        List<TextRecord> b = read(out);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Map<String, String> x = a.get(i).fields();
            Map<String, String> y = b.get(i).fields();
            assertEquals(List.copyOf(x.keySet()), List.copyOf(y.keySet()), "same columns in the same order");
            for (String column : List.of("id", "comment_text", "lang", "toxic", "top_features")) {
                assertEquals(x.get(column), y.get(column), a.get(i).id() + " " + column);
            }
            assertEquals(Double.parseDouble(x.get("toxic_score")), Double.parseDouble(y.get("toxic_score")), 1e-6);
        }
    }

    private static List<TextRecord> read(Path fileOrSparkFolder) throws IOException {
        try (RecordStream s = Corpus.of(fileOrSparkFolder, ColumnMapping.defaults().withText("comment_text")).read()) {
            return s.stream().toList();
        }
    }

    @Test
    void featuresAreTheSingleMachinePooledFeaturesAsAParquetStruct() throws IOException {
        Path single = dir.resolve("single-features.jsonl");
        assertEquals(0, Toxiscope.commandLine().execute("features", "--model", model, "--sae", sae, "--k", "8",
                "--layer", "1", "--input", sample.toString(), "--output", single.toString(), "--no-cache",
                "--chunk", "64"));
        Path out = dir.resolve("spark-features");
        SparkRun r = SparkRun.of("features", "--model", model, "--sae", sae, "--k", "8", "--layer", "1", "--input",
                sample.toString(), "--output", out.toString(), "--partitions", "2", "--chunk", "64");
        assertEquals(0, r.exit(), r.err());
        assertSameFeatures(single, out);
    }

    @Test
    void withoutReluFlagASaeLensTopKSaeEncodesAsInToxiscopeFeatures() throws IOException {
        // SAELens top-k applies ReLU to what it keeps and Qwen-Scope files do not: the format decides unless told.
        String qwen35 = SharedFixtures.path("qwen3_5-tiny").toString();
        String saeLens = SharedFixtures.path("qwen3_5-tiny/sae/sae_lens").toString();
        Path single = dir.resolve("single-features-sae-lens.jsonl");
        assertEquals(0, Toxiscope.commandLine().execute("features", "--model", qwen35, "--sae", saeLens, "--layer",
                "2", "--input", sample.toString(), "--output", single.toString(), "--no-cache", "--chunk", "64"));
        Path out = dir.resolve("spark-features-sae-lens");
        SparkRun r = SparkRun.of("features", "--model", qwen35, "--sae", saeLens, "--layer", "2", "--input",
                sample.toString(), "--output", out.toString(), "--partitions", "2", "--chunk", "64");
        assertEquals(0, r.exit(), r.err());
        assertSameFeatures(single, out);
    }

    /** Each record's Spark features struct holds the single-machine pooled indices, and values within 1e-6. */
    private static void assertSameFeatures(Path single, Path out) throws IOException {
        List<Row> rows = spark.read().parquet(out.toString()).select("id", "features.indices", "features.values")
                .collectAsList();
        List<JsonObject> expected = jsonLines(single);
        assertEquals(expected.size(), rows.size());
        Map<String, Row> byId = new java.util.HashMap<>();
        rows.forEach(row -> byId.put(row.getString(0), row));
        for (JsonObject e : expected) {
            Row row = byId.get(e.get("id").getAsString());
            var indices = e.getAsJsonObject("pooled").getAsJsonArray("indices");
            var values = e.getAsJsonObject("pooled").getAsJsonArray("values");
            List<Integer> gotIndices = row.getList(1);
            List<Float> gotValues = row.getList(2);
            assertEquals(indices.size(), gotIndices.size(), e.get("id").getAsString());
            assertFalse(gotIndices.isEmpty());
            for (int i = 0; i < indices.size(); i++) {
                assertEquals(indices.get(i).getAsInt(), gotIndices.get(i));
                assertEquals(values.get(i).getAsFloat(), gotValues.get(i), 1e-6);
            }
        }
    }

    @Test
    void aRecordWithoutTextIsNamedAndNothingIsCommittedUnlessSkipped() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, List.of("{\"id\":\"ok-1\",\"text\":\"fine words\"}", "{\"id\":\"bad-2\",\"text\":\"  \"}",
                "{\"id\":\"ok-3\",\"text\":\"more words\"}"));
        Path out = dir.resolve("bad-out");
        SparkRun r = SparkRun.of("label", "--classifier", bundle.toString(), "--input", bad.toString(), "--output",
                out.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("record id=bad-2") && r.err().contains("column 'text'")
                && r.err().contains("empty text"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("toxiscope-spark label:")).count(), r.err());
        assertFalse(Files.exists(out.resolve("_SUCCESS")), "nothing committed");

        SparkRun skipped = SparkRun.of("label", "--classifier", bundle.toString(), "--input", bad.toString(), "--output",
                out.toString(), "--on-error", "skip");
        assertEquals(0, skipped.exit(), skipped.err());
        assertEquals(List.of("ok-1", "ok-3"), jsonLines(out).stream().map(o -> o.get("id").getAsString()).toList());
        assertTrue(skipped.err().contains("1 records without text were left out"), skipped.err());

        SparkRun kept = SparkRun.of("label", "--classifier", bundle.toString(), "--input", bad.toString(), "--output",
                out.toString(), "--on-error", "skip");
        assertEquals(1, kept.exit());
        assertTrue(kept.err().contains("pass --overwrite"), kept.err());
        assertEquals(0, SparkRun.of("label", "--classifier", bundle.toString(), "--input", bad.toString(), "--output",
                out.toString(), "--on-error", "skip", "--overwrite").exit());
    }
}
