package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split outputs resume by input position: repeated ids and same-named input files lose or double no record. */
class SplitResumeByPositionTest {

    @TempDir
    Path dir;

    private static final OutputPolicy RESUME = new OutputPolicy(OutputPolicy.Existing.RESUME, Map.of("k", "v"));
    private static final OutputPolicy FRESH = new OutputPolicy(OutputPolicy.Existing.REFUSE, Map.of("k", "v"));

    /** Thrown from the progress callback, as a kill would stop the pass. */
    private static final class Killed extends RuntimeException {
    }

    private static void writeJsonl(Path file, int n, String prefix, boolean ids) throws IOException {
        List<String> columns = ids ? List.of("id", "text", "toxic") : List.of("text", "toxic");
        try (CorpusWriter w = CorpusWriter.create(file, columns)) {
            for (int i = 0; i < n; i++) {
                String text = prefix + " text " + i + " " + "y".repeat(i % 37);
                String toxic = i % 3 == 0 ? "1" : "0";
                // Only 7 distinct ids: the id column is picked up by default.
                w.write(ids ? List.of("r" + (i % 7), text, toxic) : List.of(text, toxic));
            }
            w.commit();
        }
    }

    private SplitWriter.Result split(Corpus corpus, Path out, OutputPolicy policy, long killAt) throws IOException {
        StratifiedSplit plan = StratifiedSplit.plan(corpus, SplitSpec.parse("train=0.5,test=0.5"), 3, false);
        long[] seen = {0};
        return SplitWriter.write(corpus, plan, out, ".csv", policy, w -> { }, f -> {
            if (++seen[0] == killAt) {
                throw new Killed();
            }
        });
    }

    private void assertResumesExactly(Corpus corpus, long total) throws IOException {
        Path whole = dir.resolve("whole");
        SplitWriter.Result w = split(corpus, whole, FRESH, -1);
        assertEquals(total, w.records().values().stream().mapToLong(Long::longValue).sum());
        Path resumed = dir.resolve("resumed");
        assertThrows(Killed.class, () -> split(corpus, resumed, FRESH, 3001));
        // The kill also tore the last record of one partial in half.
        Path partial = resumed.resolve("train.csv.partial");
        Files.writeString(partial, "\"torn, half a rec", java.nio.file.StandardOpenOption.APPEND);
        SplitWriter.Result r = split(corpus, resumed, RESUME, -1);
        assertTrue(r.resumed().values().stream().mapToLong(Long::longValue).sum() > 1000, r.resumed().toString());
        for (String name : List.of("train.csv", "test.csv")) {
            assertEquals(-1L, Files.mismatch(whole.resolve(name), resumed.resolve(name)), name);
            long rows = Files.readAllLines(resumed.resolve(name)).size() - 1;
            assertEquals(w.records().get(name.replace(".csv", "")), rows, name);
        }
        assertFalse(Files.exists(partial));
    }

    @Test
    void repeatedIdsResumeToTheSameBytesAndRowCount() throws IOException {
        Path in = dir.resolve("in.jsonl");
        writeJsonl(in, 6000, "a", true);
        assertResumesExactly(Corpus.of(in, ColumnMapping.defaults()), 6000);
    }

    @Test
    void twoInputsWithOneBaseNameAndNoIdColumnResumeExactly() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a")).resolve("part.jsonl");
        Path b = Files.createDirectories(dir.resolve("b")).resolve("part.jsonl");
        writeJsonl(a, 3000, "a", false);
        writeJsonl(b, 3000, "b", false);
        assertResumesExactly(Corpus.of(List.of(a.toString(), b.toString()), ColumnMapping.defaults()), 6000);
    }

    @Test
    void resumingUnderOtherSettingsIsRefusedNamingThem() throws IOException {
        Path in = dir.resolve("in.jsonl");
        writeJsonl(in, 6000, "a", true);
        Corpus corpus = Corpus.of(in, ColumnMapping.defaults());
        Path out = dir.resolve("out");
        assertThrows(Killed.class, () -> split(corpus, out, FRESH, 3001));
        byte[] before = Files.readAllBytes(out.resolve("train.csv.partial"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split(corpus, out,
                new OutputPolicy(OutputPolicy.Existing.RESUME, Map.of("k", "w")), -1));
        assertTrue(e.getMessage().contains("k: v then, w now") && e.getMessage().contains("--overwrite"),
                e.getMessage());
        assertEquals(-1L, Files.mismatch(out.resolve("train.csv.partial"), writeTemp(before)));
        List<String> lines = new ArrayList<>(corpus.describe().keySet());
        assertEquals(List.of("input " + in.toAbsolutePath(), "columns"), lines);
    }

    private Path writeTemp(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "before", ".bin"), bytes);
    }
}
