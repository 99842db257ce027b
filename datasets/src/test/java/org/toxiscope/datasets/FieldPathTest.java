package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dotted column paths into nested JSON objects and Parquet structs, and nested values kept nested in outputs. */
class FieldPathTest {

    private static final String SCORE = "perspective.attributeScores.TOXICITY.summaryScore.value";

    @TempDir
    Path dir;

    /** Two PolygloToxicityPrompts-like records: the score and the text nested, the language at the top level. */
    private Path ptp() throws Exception {
        Path f = dir.resolve("ptp.jsonl");
        Files.writeString(f, String.join("\n",
                ptpLine("p1", "you are all idiots", 0.91, "en"),
                ptpLine("p2", "ein schöner Tag", 0.02, "de")) + "\n");
        return f;
    }

    private static String ptpLine(String id, String text, double score, String lang) {
        return "{\"id\":\"" + id + "\",\"prompt\":{\"text\":\"" + text + "\",\"toxicity\":" + score + "},"
                + "\"perspective\":{\"attributeScores\":{\"TOXICITY\":{\"summaryScore\":{\"value\":" + score
                + ",\"type\":\"PROBABILITY\"},\"spanScores\":[{\"begin\":0,\"end\":5}]}},\"languages\":[\"" + lang
                + "\"]},\"lang\":\"" + lang + "\",\"meta\":{\"tags\":[\"a\",\"b\"]}}";
    }

    private static List<TextRecord> read(Path file, ColumnMapping mapping) {
        try (RecordStream s = Corpus.of(file, mapping).read()) {
            return s.stream().toList();
        }
    }

    @Test
    void nestedScoreAndTextPathsMapPtpRecords() throws Exception {
        List<TextRecord> records = read(ptp(), ColumnMapping.defaults().withText("prompt.text")
                .withLabels(List.of(SCORE)));
        assertEquals(List.of("you are all idiots", "ein schöner Tag"), records.stream().map(TextRecord::text).toList());
        assertEquals(List.of(true, false), records.stream().map(TextRecord::toxic).toList());
        assertEquals(List.of(SCORE), List.copyOf(records.get(0).labels().keySet()));
        assertEquals(List.of("p1", "p2"), records.stream().map(TextRecord::id).toList());
        assertEquals(List.of("en", "de"), records.stream().map(TextRecord::lang).toList());
    }

    @Test
    void pathsReachIntoArraysByIndexAndFeedLanguageAndId() throws Exception {
        ColumnMapping mapping = new ColumnMapping("prompt.text", List.of(SCORE), "perspective.languages.0", null,
                "meta.tags.1", 0.5, List.of(), OnError.FAIL, null, null, true);
        List<TextRecord> records = read(ptp(), mapping);
        assertEquals(List.of("en", "de"), records.stream().map(TextRecord::lang).toList());
        assertEquals("b", records.get(0).id());
    }

    @Test
    void aTopLevelKeyHoldingTheDotsWinsOverTheNestedPath() throws Exception {
        Path f = dir.resolve("dotted.jsonl");
        Files.writeString(f, "{\"text\":\"t\",\"a.b\":1,\"a\":{\"b\":0}}\n");
        assertEquals(true, read(f, ColumnMapping.defaults().withLabels(List.of("a.b"))).get(0).toxic(),
                "the literal key a.b (1), not a -> b (0)");
        Path g = dir.resolve("inner.jsonl");
        Files.writeString(g, "{\"text\":\"u\",\"a\":{\"b.c\":1,\"b\":{\"c\":0}}}\n");
        assertEquals(true, read(g, ColumnMapping.defaults().withLabels(List.of("a.b.c"))).get(0).toxic(),
                "inside a, the key b.c (1) wins over b -> c (0)");
    }

    @Test
    void aMissingPathNamesFileLinePathAndTheMissingPart() throws Exception {
        Path f = dir.resolve("gap.jsonl");
        Files.writeString(f, ptpLine("p1", "x", 0.9, "en") + "\n"
                + "{\"prompt\":{\"text\":\"y\"},\"perspective\":{\"attributeScores\":{}}}\n");
        ColumnMapping mapping = ColumnMapping.defaults().withText("prompt.text").withLabels(List.of(SCORE));
        DatasetException e = assertThrows(DatasetException.class, () -> read(f, mapping));
        assertEquals(f + ":2: field '" + SCORE + "': missing value: no 'TOXICITY' in perspective.attributeScores",
                e.getMessage());
        Path rejects = dir.resolve("rejects.jsonl");
        assertEquals(1, read(f, mapping.withOnError(OnError.SKIP, rejects)).size());
        JsonObject rejected = JsonParser.parseString(Files.readString(rejects)).getAsJsonObject();
        assertEquals(SCORE, rejected.get("field").getAsString());
        assertTrue(rejected.getAsJsonObject("record").get("perspective").isJsonObject(), "rejects keep nested values");
        Path g = dir.resolve("plain.jsonl");
        Files.writeString(g, "{\"prompt\":{\"text\":\"z\"},\"perspective\":\"n/a\"}\n");
        DatasetException plain = assertThrows(DatasetException.class, () -> read(g, mapping));
        assertTrue(plain.getMessage().startsWith(g + ":1: field '" + SCORE + "': missing value: 'perspective' holds a "
                + "plain value"), plain.getMessage());
    }

    @Test
    void nestedValuesStayNestedInJsonlOutputAndResumeByteIdentically() throws Exception {
        List<TextRecord> records = read(ptp(), ColumnMapping.defaults().withText("prompt.text")
                .withLabels(List.of(SCORE)));
        List<String> columns = CorpusWriter.columns(records.get(0), List.of("toxic_score"));
        Path whole = dir.resolve("out/whole.jsonl");
        try (CorpusWriter w = CorpusWriter.create(whole, columns)) {
            for (int i = 0; i < records.size(); i++) {
                w.write(i, records.get(i), Map.of("toxic_score", "0.5"));
            }
            w.commit();
        }
        String first = Files.readAllLines(whole).get(0);
        JsonObject row = JsonParser.parseString(first).getAsJsonObject();
        assertTrue(row.get("perspective").isJsonObject(), first);
        assertTrue(row.get("meta").getAsJsonObject().get("tags").isJsonArray(), first);
        assertEquals(0.91, row.getAsJsonObject("perspective").getAsJsonObject("attributeScores")
                .getAsJsonObject("TOXICITY").getAsJsonObject("summaryScore").get("value").getAsDouble());
        assertEquals(List.of(true, false), read(whole, ColumnMapping.defaults().withText("prompt.text")
                .withLabels(List.of(SCORE))).stream().map(TextRecord::toxic).toList(), "the output reads back by path");

        Path resumed = dir.resolve("out/resumed.jsonl");
        try (CorpusWriter w = CorpusWriter.create(resumed, columns)) {
            w.write(0, records.get(0), Map.of("toxic_score", "0.5"));
        }
        try (CorpusWriter w = CorpusWriter.open(resumed, columns, new OutputPolicy(OutputPolicy.Existing.RESUME,
                Map.of()))) {
            for (int i = 0; i < records.size(); i++) {
                w.write(i, records.get(i), Map.of("toxic_score", "0.5"));
            }
            w.commit();
        }
        assertEquals(Files.readString(whole), Files.readString(resumed));

        Path csv = dir.resolve("out/whole.csv");
        try (CorpusWriter w = CorpusWriter.create(csv, columns)) {
            w.write(0, records.get(0), Map.of("toxic_score", "0.5"));
            w.commit();
        }
        assertTrue(Files.readString(csv).contains("\"{\"\"tags\"\":[\"\"a\"\",\"\"b\"\"]}\""), "CSV keeps the JSON text");
    }

    @Test
    void parquetStructFieldsResolveByPath() throws Exception {
        Path f = dir.resolve("ptp.parquet");
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES ({'text': 'you idiot'}, {'TOXICITY': {'value': 0.9}}, ['en']), "
                    + "({'text': 'nice day'}, {'TOXICITY': {'value': 0.1}}, ['de'])) t(prompt, scores, langs)) TO "
                    + DuckDb.literal(f.toString()) + " (FORMAT parquet)");
        }
        ColumnMapping mapping = new ColumnMapping("prompt.text", List.of("scores.TOXICITY.value"), "langs.0", null,
                null, 0.5, List.of(), OnError.FAIL, null, null, true);
        List<TextRecord> records = read(f, mapping);
        assertEquals(List.of("you idiot", "nice day"), records.stream().map(TextRecord::text).toList());
        assertEquals(List.of(true, false), records.stream().map(TextRecord::toxic).toList());
        assertEquals(List.of("en", "de"), records.stream().map(TextRecord::lang).toList());
        assertEquals("{\"TOXICITY\":{\"value\":0.9}}", records.get(0).fields().get("scores"));
        assertTrue(records.get(0).nested().contains("scores"));
        DatasetException e = assertThrows(DatasetException.class, () -> read(f,
                ColumnMapping.defaults().withText("prompt.text").withLabels(List.of("nothere.value"))));
        assertTrue(e.getMessage().contains("field 'nothere.value': no such column"), e.getMessage());
    }
}
