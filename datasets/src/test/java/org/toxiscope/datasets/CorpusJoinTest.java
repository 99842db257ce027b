package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joins on an id: matching, unmatched counts, repeated ids, clashing names, nested ids, the memory bound, resume, and
 * a Parquet input's column types kept in a Parquet output.
 */
class CorpusJoinTest {

    @TempDir
    Path dir;

    private static final long BUDGET = 64L << 20;

    /** Thrown from the progress callback, as a kill would stop the pass. */
    private static final class Killed extends RuntimeException {
    }

    private CorpusJoin.Result join(Path left, Path right, String on, Path out) throws IOException {
        return CorpusJoin.join(left.toString(), right.toString(), on, out, OutputPolicy.of(false, false, Map.of()),
                BUDGET, w -> { }, f -> { });
    }

    /** Joins {@code left} and {@code right} on "id" into {@code out}, killed at the {@code calls}-th progress call. */
    private static void killedAfter(Path left, Path right, Path out, long calls) {
        long[] seen = {0};
        assertThrows(Killed.class, () -> CorpusJoin.join(left.toString(), right.toString(), "id", out,
                OutputPolicy.of(false, false, Map.of()), BUDGET, w -> { }, f -> {
                    if (++seen[0] == calls) {
                        throw new Killed();
                    }
                }));
    }

    /** Continues the interrupted join of {@code left} and {@code right} on "id" into {@code out}. */
    private static CorpusJoin.Result resume(Path left, Path right, Path out) throws IOException {
        return CorpusJoin.join(left.toString(), right.toString(), "id", out, OutputPolicy.of(true, false, Map.of()),
                BUDGET, w -> { }, f -> { });
    }

    private static List<Map<String, String>> rows(Path file) {
        List<Map<String, String>> out = new ArrayList<>();
        try (TableRows t = TableRows.open(file)) {
            for (Map<String, String> r; (r = t.next()) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void matchingRowsAreJoinedInTheLargerFilesOrderAndUnmatchedIdsCounted() throws Exception {
        Path texts = Files.writeString(dir.resolve("texts.csv"), "id,comment_text\n"
                + "a,\"a long comment\nover two lines\"\nb,only here\nc,third comment text\nd,fourth\n");
        Path labels = Files.writeString(dir.resolve("labels.csv"), "id,toxic\nc,1\na,0\nz,1\n");
        Path out = dir.resolve("joined.csv");
        CorpusJoin.Result r = join(texts, labels, "id", out);
        assertEquals(List.of("id", "comment_text", "toxic"), r.columns());
        List<Map<String, String>> rows = rows(out);
        assertEquals(List.of("a", "c"), rows.stream().map(m -> m.get("id")).toList(), "texts.csv is streamed");
        assertEquals("a long comment\nover two lines", rows.get(0).get("comment_text"));
        assertEquals(List.of("0", "1"), rows.stream().map(m -> m.get("toxic")).toList());
        assertEquals(2, r.joined());
        assertEquals(new CorpusJoin.Unmatched(texts.toString(), 2, List.of("b", "d")), r.left());
        assertEquals(new CorpusJoin.Unmatched(labels.toString(), 1, List.of("z")), r.right());
        assertEquals("2 rows joined; 2 ids only in " + texts + " (e.g. \"b\", \"d\"), 1 only in " + labels
                + " (e.g. \"z\")", r.summary());
        JsonObject json = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertEquals(1, json.getAsJsonObject("right_only").get("count").getAsInt());

        // The other way round the larger file is still the one streamed; the columns follow LEFT, RIGHT.
        CorpusJoin.Result swapped = join(labels, texts, "id", dir.resolve("swapped.jsonl"));
        assertEquals(List.of("id", "toxic", "comment_text"), swapped.columns());
        assertEquals(List.of("a", "c"), rows(dir.resolve("swapped.jsonl")).stream().map(m -> m.get("id")).toList());
        assertEquals(1, swapped.left().count());
    }

    @Test
    void aRepeatedIdIsRefusedNamingFileLineAndId() throws Exception {
        Path texts = Files.writeString(dir.resolve("texts.csv"), "id,text\na,some longer text here\nb,more text\n");
        Path labels = Files.writeString(dir.resolve("labels.csv"), "id,toxic\na,1\nb,0\na,0\n");
        DatasetException indexed = assertThrows(DatasetException.class, () -> join(texts, labels, "id",
                dir.resolve("o.csv")));
        assertEquals(labels + ":4: field 'id': id \"a\" is also on line 2; ids must be unique to join",
                indexed.getMessage());

        Path repeated = Files.writeString(dir.resolve("repeated.csv"), "id,text\na,some longer text\nb,more text\n"
                + "a,the same id again\n");
        Path few = Files.writeString(dir.resolve("few.csv"), "id,toxic\na,1\n");
        DatasetException streamed = assertThrows(DatasetException.class, () -> join(repeated, few, "id",
                dir.resolve("o.csv")));
        assertEquals(repeated + ":4: field 'id': id \"a\" is also on line 2; ids must be unique to join",
                streamed.getMessage());
        assertTrue(!Files.exists(dir.resolve("o.csv")));
    }

    @Test
    void clashingRightColumnsArePrefixed() throws Exception {
        Path left = Files.writeString(dir.resolve("left.csv"), "id,text,score\n1,left text that is long,0.5\n");
        Path right = Files.writeString(dir.resolve("right.csv"), "id,text,right_text\n1,r,rr\n");
        Path out = dir.resolve("o.csv");
        CorpusJoin.Result r = join(left, right, "id", out);
        // right's text would be right_text, which right has itself: the prefix is added again.
        assertEquals(List.of("id", "text", "score", "right_right_text", "right_text"), r.columns());
        assertEquals(Map.of("id", "1", "text", "left text that is long", "score", "0.5", "right_right_text", "r",
                "right_text", "rr"), rows(out).get(0));
    }

    @Test
    void aDottedIdReachesIntoNestedJsonAndNestedValuesStayNested() throws Exception {
        Path left = Files.writeString(dir.resolve("left.jsonl"),
                "{\"meta\":{\"id\":\"p1\",\"src\":\"web\"},\"text\":\"a prompt of some length\"}\n"
                + "{\"meta\":{\"id\":\"p2\",\"src\":\"web\"},\"text\":\"another prompt, also long\"}\n");
        Path right = Files.writeString(dir.resolve("right.csv"), "meta.id,toxic\np2,1\n");
        Path out = dir.resolve("o.jsonl");
        CorpusJoin.Result r = join(left, right, "meta.id", out);
        assertEquals(List.of("meta", "text", "toxic"), r.columns());
        JsonObject line = JsonParser.parseString(Files.readString(out).strip()).getAsJsonObject();
        assertEquals("p2", line.getAsJsonObject("meta").get("id").getAsString());
        assertEquals("1", line.get("toxic").getAsString());

        Path noId = Files.writeString(dir.resolve("noid.csv"), "key,toxic\np2,1\n");
        DatasetException e = assertThrows(DatasetException.class, () -> join(left, noId, "meta.id",
                dir.resolve("x.jsonl")));
        assertTrue(e.getMessage().startsWith(noId + ": field 'meta.id': no such column"), e.getMessage());
    }

    @Test
    void anIndexPastItsMemoryBoundIsRefusedClearly() throws Exception {
        StringBuilder big = new StringBuilder("id,text\n");
        StringBuilder small = new StringBuilder("id,toxic\n");
        for (int i = 0; i < 2000; i++) {
            big.append(i).append(",text number ").append(i).append(" with padding padding padding\n");
            small.append(i).append(',').append(i % 2).append('\n');
        }
        Path texts = Files.writeString(dir.resolve("texts.csv"), big);
        Path labels = Files.writeString(dir.resolve("labels.csv"), small);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusJoin.join(
                texts.toString(), labels.toString(), "id", dir.resolve("o.csv"), OutputPolicy.overwrite(), 100_000,
                w -> { }, f -> { }));
        assertTrue(e.getMessage().startsWith(labels + ": its "), e.getMessage());
        assertTrue(e.getMessage().contains("raise --index-memory"), e.getMessage());
    }

    @Test
    void anInterruptedJoinResumesByteIdentically() throws Exception {
        StringBuilder big = new StringBuilder("id,comment_text\n");
        StringBuilder small = new StringBuilder("id,toxic\n");
        for (int i = 0; i < 5000; i++) {
            big.append("id").append(i).append(",\"comment ").append(i).append("\nsecond line\"\n");
            if (i % 3 != 0) {
                small.append("id").append(i).append(',').append(i % 2).append('\n');
            }
        }
        Path texts = Files.writeString(dir.resolve("texts.csv"), big);
        Path labels = Files.writeString(dir.resolve("labels.csv"), small);
        Path whole = dir.resolve("whole.csv");
        join(texts, labels, "id", whole);
        Path out = dir.resolve("resumed.csv");
        killedAfter(texts, labels, out, 3333 + 4000);
        assertTrue(Files.exists(dir.resolve("resumed.csv.partial")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> join(texts, labels, "id", out));
        assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
        CorpusJoin.Result r = resume(texts, labels, out);
        assertTrue(r.resumed() > 0 && r.resumed() < r.joined(), r.toJson());
        assertEquals(3333, r.joined());
        assertEquals(-1L, Files.mismatch(whole, out));
    }

    @Test
    void aParquetOutputKeepsTheParquetInputsTypesStreamedOrIndexedAndResumed() throws Exception {
        // 1,000 rows, ids id3, id6, ... id3000; zip codes (text) and votes (int32) would read as BIGINT from their
        // values alone.
        Path typed = dir.resolve("typed.parquet");
        TypedParquetTest.sql("COPY (SELECT 'id' || (3 * i) AS id, i::BIGINT AS n, (i / 4.0)::DOUBLE AS score, "
                + "(10000 + i)::VARCHAR AS zip, (i % 7)::INTEGER AS votes, 'parquet text ' || i AS text "
                + "FROM range(1, 1001) t(i)) TO " + DuckDb.literal(typed.toString()) + " (FORMAT parquet)");
        Map<String, String> parquetTypes = Map.of("id", "VARCHAR", "n", "BIGINT", "score", "DOUBLE", "zip",
                "VARCHAR", "votes", "INTEGER", "text", "VARCHAR");

        // The CSV is smaller: the Parquet file is streamed, on the left; the CSV's column reads as its values do.
        Path labels = Files.writeString(dir.resolve("labels.csv"), "id,toxic\nid3,1\nid6,0\n");
        Path streamed = dir.resolve("streamed.parquet");
        assertEquals(2, join(typed, labels, "id", streamed).joined());
        Map<String, String> expected = new LinkedHashMap<>();
        List.of("id", "n", "score", "zip", "votes", "text").forEach(c -> expected.put(c, parquetTypes.get(c)));
        expected.put("toxic", "BIGINT");
        assertEquals(expected, TypedParquetTest.schema(streamed));
        assertEquals(Map.of("id", "id3", "n", "1", "score", "0.25", "zip", "10001", "votes", "1", "text",
                "parquet text 1", "toxic", "1"), rows(streamed).get(0));

        // The CSV is larger: the Parquet file is indexed, on the right, its clashing zip and text renamed.
        StringBuilder big = new StringBuilder("id,text,zip\n");
        for (int i = 1; i <= 3000; i++) {
            big.append("id").append(i).append(",csv text ").append(i).append(" with some padding,").append(i)
                    .append('\n');
        }
        Path texts = Files.writeString(dir.resolve("texts.csv"), big);
        Path whole = dir.resolve("whole.parquet");
        CorpusJoin.Result r = join(texts, typed, "id", whole);
        assertEquals(1000, r.joined());
        Map<String, String> right = new LinkedHashMap<>();
        right.put("id", "VARCHAR");
        right.put("text", "VARCHAR");
        right.put("zip", "BIGINT"); // the CSV's own column: its values are integers
        right.put("n", "BIGINT");
        right.put("score", "DOUBLE");
        right.put(CorpusJoin.CLASH_PREFIX + "zip", "VARCHAR");
        right.put("votes", "INTEGER");
        right.put(CorpusJoin.CLASH_PREFIX + "text", "VARCHAR");
        assertEquals(right, TypedParquetTest.schema(whole));
        assertEquals("10001", rows(whole).get(0).get(CorpusJoin.CLASH_PREFIX + "zip"));

        // Interrupted half-way through the streamed rows and resumed: the same schema, rows and bytes.
        Path out = dir.resolve("resumed.parquet");
        killedAfter(texts, typed, out, 1000 + 1500);
        CorpusJoin.Result resumed = resume(texts, typed, out);
        assertTrue(resumed.resumed() > 0 && resumed.resumed() < resumed.joined(), resumed.toJson());
        assertEquals(right, TypedParquetTest.schema(out));
        assertEquals(rows(whole), rows(out));
        assertEquals(-1L, Files.mismatch(whole, out));
    }
}
