package org.toxiscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;

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

    static String[] failing(String... args) {
        CommandLine cl = ToxiscopeSpark.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {String.valueOf(exit), err.toString()};
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
        String[] r = failing("label", "--classifier", bundle.toString(), "--input", dir.resolve("absent.csv").toString(),
                "--output", dir.resolve("o1").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("fake.tsc"), r[1]);

        r = failing("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(), "--output",
                dir.resolve("f.csv").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("csv cannot hold the feature indices and values"), r[1]);

        r = failing("features", "--model", "m", "--sae", "s", "--layer", "1", "--input",
                dir.resolve("absent.jsonl").toString(), "--output", dir.resolve("f2").toString());
        assertTrue(r[1].contains("absent.jsonl: no such file or folder"), r[1]);

        r = failing("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(), "--output",
                dir.resolve("f3").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("no text column") && r[1].contains("--text-column"), r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);

        Path badJson = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\":\"fine\"}\n{\"text\": oops}\n");
        r = failing("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", badJson.toString(), "--output",
                dir.resolve("f5").toString());
        assertTrue(r[1].contains("bad.jsonl: cannot read as jsonl: Unrecognized token 'oops'"), r[1]);

        r = failing("features", "--model", "m", "--sae", "s", "--layer", "1", "--input", noText.toString(),
                "--text-column", "comment", "--output", dir.resolve("f4").toString());
        assertTrue(r[1].contains("no column 'comment'") && r[1].contains("[id, body]"), r[1]);
        assertTrue(Files.notExists(dir.resolve("f4")), "nothing written");
    }
}
