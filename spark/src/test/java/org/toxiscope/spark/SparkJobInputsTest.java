package org.toxiscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the jobs check before any model is opened, and the chunk-aligned partitioning; needs no fixture. */
class SparkJobInputsTest {

    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("toxiscope-test").config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void partitionsHoldWholeChunksInInputOrder() {
        List<Row> rows = IntStream.range(0, 1000).mapToObj(i -> RowFactory.create(i)).toList();
        JavaRDD<Row> input = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 7);
        List<List<Row>> partitions = ChunkAlignedPartitions.spread(input, 3, 64).glom().collect();
        assertEquals(3, partitions.size());
        List<Integer> all = new ArrayList<>();
        for (List<Row> p : partitions) {
            assertTrue(p.isEmpty() || p.get(0).getInt(0) % 64 == 0, "starts at a chunk boundary: " + p.get(0));
            p.forEach(r -> all.add(r.getInt(0)));
        }
        assertEquals(IntStream.range(0, 1000).boxed().toList(), all, "every row once, in input order");
        assertEquals(2, ChunkAlignedPartitions.spread(input, 8, 600).getNumPartitions(), "no more partitions than chunks");
    }

    @Test
    void badInvocationsFailWithOneLineNamingTheProblem() throws Exception {
        Path noText = Files.writeString(dir.resolve("no-text.csv"), "id,body\n1,hello\n");
        Path bundle = Files.writeString(dir.resolve("fake.tsc"), "not a zip");
        SparkRun r = SparkRun.of("label", "--classifier", bundle.toString(), "--input", dir.resolve("absent.csv").toString(),
                "--output", dir.resolve("o1").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("fake.tsc"), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(), "--output",
                dir.resolve("f.csv").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("csv cannot hold the feature indices and values"), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input",
                dir.resolve("absent.jsonl").toString(), "--output", dir.resolve("f2").toString());
        assertTrue(r.err().contains("absent.jsonl: no such file or folder"), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(), "--output",
                dir.resolve("f3").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no text column") && r.err().contains("--text-column"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input",
                dir.resolve("no-te*.csv").toString(), "--output", dir.resolve("f6").toString());
        assertTrue(r.err().contains("no text column"), "a glob is read as the files it matches: " + r.err());
        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input",
                dir.resolve("nothing-*.csv").toString(), "--output", dir.resolve("f7").toString());
        assertTrue(r.err().contains("nothing-*.csv: no such file or folder (or nothing matches the pattern)"), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(),
                "--output", dir.resolve("f8").toString(), "--dtype", "bogus");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--dtype must be auto, bf16 or f32, not 'bogus'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path badJson = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\":\"fine\"}\n{\"text\": oops}\n");
        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", badJson.toString(), "--output",
                dir.resolve("f5").toString());
        assertTrue(r.err().contains("bad.jsonl: cannot read as jsonl: Unrecognized token 'oops'"), r.err());

        r = SparkRun.of("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(),
                "--text-column", "comment", "--output", dir.resolve("f4").toString());
        assertTrue(r.err().contains("no column 'comment'") && r.err().contains("[id, body]"), r.err());
        assertTrue(Files.notExists(dir.resolve("f4")), "nothing written");
    }
}
