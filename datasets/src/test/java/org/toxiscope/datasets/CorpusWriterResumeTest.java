package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorpusWriterResumeTest {

    @TempDir
    Path dir;

    static final List<String> COLUMNS = List.of("id", "text", "toxic_score");

    /** Enough records, with quotes and line breaks, that buffers flush mid-record. */
    static List<List<String>> records() {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            out.add(List.of("r" + i, "text " + i + ", with \"quotes\"\nand a second line " + "x".repeat(i % 50),
                    Double.toString(i / 3000.0)));
        }
        return out;
    }

    private static void writeAll(Path out, int from, CorpusWriter w) {
        List<List<String>> all = records();
        for (int i = from; i < all.size(); i++) {
            if (!w.isDone(i)) {
                w.write(i, all.get(i));
            }
        }
    }

    static CorpusWriter resume(Path out, List<String> columns) throws IOException {
        return CorpusWriter.open(out, columns, new OutputPolicy(OutputPolicy.Existing.RESUME, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"out.csv", "out.tsv.zst", "out.jsonl.gz", "out.ndjson.bz2", "out.csv.xz", "out.parquet"})
    void resumedOutputIsByteIdenticalToAnUninterruptedOne(String name) throws IOException {
        Path whole = dir.resolve("whole").resolve(name);
        try (CorpusWriter w = CorpusWriter.create(whole, COLUMNS)) {
            writeAll(whole, 0, w);
            w.commit();
        }

        Path out = dir.resolve("resumed").resolve(name);
        Path partial = out.resolveSibling(name + ".partial");
        // First run: stops after 1234 records without committing, as a killed process would.
        CorpusWriter first = CorpusWriter.create(out, COLUMNS);
        List<List<String>> all = records();
        for (int i = 0; i < 1234; i++) {
            first.write(i, all.get(i));
        }
        first.close();
        assertFalse(Files.exists(out));
        // The kill tore the next record in half.
        Files.write(partial, "r1234,\"text 1234, with \"\"quo".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        try (CorpusWriter second = resume(out, COLUMNS)) {
            assertEquals(1234, second.doneCount());
            assertTrue(second.isDone(1233));
            assertFalse(second.isDone(1234));
            assertFalse(second.write(5, all.get(5)), "a done record is never written twice");
            writeAll(out, 0, second);
            second.commit();
        }
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
        assertFalse(Files.exists(partial));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kill.csv", "kill.jsonl"})
    void anUnflushedKillResumesFromWhatReachedTheDisk(String name) throws IOException {
        Path whole = dir.resolve("whole").resolve(name);
        try (CorpusWriter w = CorpusWriter.create(whole, COLUMNS)) {
            writeAll(whole, 0, w);
            w.commit();
        }
        Path out = dir.resolve("killed").resolve(name);
        try (CorpusWriter killed = CorpusWriter.create(out, COLUMNS)) {
            List<List<String>> all = records();
            for (int i = 0; i < 2000; i++) {
                killed.write(i, all.get(i));
            }
        }
        // A kill leaves whatever the buffers had flushed, each file cut anywhere: the records inside a record,
        // the positions inside a line and lagging behind.
        cut(out.resolveSibling(name + ".partial"), 0.61);
        cut(out.resolveSibling(name + ".partial.pos"), 0.47);
        long onDisk;
        try (CorpusWriter second = resume(out, COLUMNS)) {
            onDisk = second.doneCount();
            writeAll(out, 0, second);
            second.commit();
        }
        assertTrue(onDisk > 0 && onDisk < 2000, "records recovered: " + onDisk);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
    }

    static void cut(Path file, double share) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate((long) (ch.size() * share) | 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cols.csv", "cols.jsonl", "cols.parquet"})
    void resumingWithOtherColumnsIsRefused(String name) throws IOException {
        Path out = dir.resolve(name);
        try (CorpusWriter w = CorpusWriter.create(out, COLUMNS)) {
            w.write(List.of("a", "b", "c"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resume(out, List.of("id", "text")));
        assertTrue(e.getMessage().contains("other columns"), e.getMessage());
    }
}
