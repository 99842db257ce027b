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
        for (List<String> r : all.subList(from, all.size())) {
            if (!w.isDone(r.get(0))) {
                w.write(r.get(0), r);
            }
        }
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
        for (List<String> r : all.subList(0, 1234)) {
            first.write(r.get(0), r);
        }
        first.close();
        assertFalse(Files.exists(out));
        // The kill tore the next record in half.
        Files.write(partial, "r1234,\"text 1234, with \"\"quo".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        try (CorpusWriter second = CorpusWriter.resume(out, COLUMNS)) {
            assertEquals(1234, second.doneCount());
            assertTrue(second.isDone("r1233"));
            assertFalse(second.isDone("r1234"));
            assertFalse(second.write("r5", all.get(5)), "a done id is never written twice");
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
        // Never closed: only what the buffers had already flushed is on disk, cut anywhere.
        CorpusWriter killed = CorpusWriter.create(out, COLUMNS);
        List<List<String>> all = records();
        for (List<String> r : all.subList(0, 2000)) {
            killed.write(r.get(0), r);
        }
        long onDisk;
        try (CorpusWriter second = CorpusWriter.resume(out, COLUMNS)) {
            onDisk = second.doneCount();
            writeAll(out, 0, second);
            second.commit();
        }
        assertTrue(onDisk > 0 && onDisk < 2000, "records recovered: " + onDisk);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cols.csv", "cols.jsonl", "cols.parquet"})
    void resumingWithOtherColumnsIsRefused(String name) throws IOException {
        Path out = dir.resolve(name);
        try (CorpusWriter w = CorpusWriter.create(out, COLUMNS)) {
            w.write("a", List.of("a", "b", "c"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CorpusWriter.resume(out, List.of("id", "text")));
        assertTrue(e.getMessage().contains("other columns"), e.getMessage());
    }
}
