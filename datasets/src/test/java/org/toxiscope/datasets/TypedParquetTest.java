package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet keeps its types in and out: typed columns read as their values, and typed columns written. */
class TypedParquetTest {

    @TempDir
    Path dir;

    static void sql(String statement) throws Exception {
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** Column name to DuckDB type of a Parquet file. */
    static Map<String, String> schema(Path parquet) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + DuckDb.fileLiteral(parquet) + ")")) {
            while (r.next()) {
                out.put(r.getString("column_name"), r.getString("column_type"));
            }
        }
        return out;
    }

    /** One column's values of a Parquet file, as JDBC gives them (lists and structs as their JSON). */
    static List<Object> values(Path parquet, String column) throws Exception {
        List<Object> out = new ArrayList<>();
        String q = "\"" + column + "\"";
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT CASE WHEN " + q + " IS NULL THEN NULL ELSE " + q + " END, "
                     + "CAST(to_json(" + q + ") AS VARCHAR) FROM read_parquet(" + DuckDb.fileLiteral(parquet) + ")")) {
            while (r.next()) {
                Object v = r.getObject(1);
                out.add(v == null || v instanceof Number || v instanceof Boolean || v instanceof String ? v
                        : r.getString(2));
            }
        }
        return out;
    }

    private List<TextRecord> read(Path file) {
        try (RecordStream s = Corpus.of(file, ColumnMapping.defaults()).read()) {
            return s.stream().toList();
        }
    }

    private static Path write(Path out, List<TextRecord> records, Map<String, ColumnType> appendedTypes,
                              List<Map<String, String>> appended) throws Exception {
        List<String> columns = CorpusWriter.columns(records.get(0), new ArrayList<>(appendedTypes.keySet()));
        try (CorpusWriter w = CorpusWriter.open(out, columns, CorpusWriter.types(records.get(0), appendedTypes),
                OutputPolicy.overwrite())) {
            for (int i = 0; i < records.size(); i++) {
                w.write(i, records.get(i), appended.get(i));
            }
            w.commit();
        }
        return out;
    }

    @Test
    void labelledParquetKeepsTheInputTypesAndTypesTheAppendedColumns() throws Exception {
        Path in = dir.resolve("in.parquet");
        sql("COPY (SELECT * FROM (VALUES ('007', 'you idiot', 1::BIGINT, 0.75::DOUBLE, true, 3::INTEGER, "
                + "{'src': 'forum', 'votes': 12}, ['a', 'b'], DATE '2024-05-01'), "
                + "('1.50', 'fine', 0::BIGINT, 0.25::DOUBLE, false, NULL::INTEGER, {'src': 'chat', 'votes': NULL}, "
                + "[]::VARCHAR[], NULL::DATE)) t(id, text, toxic, gold_score, reviewed, n, meta, tags, day)) TO "
                + DuckDb.literal(in.toString()) + " (FORMAT parquet)");
        List<TextRecord> records = read(in);
        assertEquals(List.of(true, false), records.stream().map(TextRecord::toxic).toList());

        Map<String, ColumnType> appended = new LinkedHashMap<>();
        appended.put("toxic_score", ColumnType.DOUBLE);
        appended.put("toxic_pred", ColumnType.INTEGER);
        appended.put("top_features", ColumnType.TEXT_LIST);
        Path out = write(dir.resolve("out.parquet"), records, appended, List.of(
                Map.of("toxic_score", "0.912345", "toxic_pred", "1", "top_features", "L1:f7@tok2=3.5;L1:f9=0.25"),
                Map.of("toxic_score", "0.012000", "toxic_pred", "0", "top_features", "")));

        Map<String, String> expected = new LinkedHashMap<>(schema(in));
        expected.put("toxic_score", "DOUBLE");
        expected.put("toxic_pred", "INTEGER");
        expected.put("top_features", "VARCHAR[]");
        assertEquals(expected, schema(out));
        assertEquals(List.of("007", "1.50"), values(out, "id"));
        assertEquals(List.of(1L, 0L), values(out, "toxic"));
        assertEquals(List.of(0.75, 0.25), values(out, "gold_score"));
        assertEquals(List.of(true, false), values(out, "reviewed"));
        assertEquals(java.util.Arrays.asList(3, null), values(out, "n"));
        assertEquals(List.of("{\"src\":\"forum\",\"votes\":12}", "{\"src\":\"chat\",\"votes\":null}"),
                values(out, "meta"));
        assertEquals(List.of("[\"a\",\"b\"]", "[]"), values(out, "tags"));
        assertEquals(List.of(0.912345, 0.012), values(out, "toxic_score"));
        assertEquals(List.of(1, 0), values(out, "toxic_pred"));
        assertEquals(List.of("[\"L1:f7@tok2=3.5\",\"L1:f9=0.25\"]", "[]"), values(out, "top_features"));
    }

    @Test
    void nestedValuesRoundTripThroughParquet() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("ptp.jsonl"), String.join("\n",
                "{\"text\":\"a\",\"toxic\":1,\"score\":0.5,\"ok\":true,\"mixed\":\"x\",\"perspective\":{\"TOXICITY\":"
                        + "{\"value\":0.9,\"spans\":[{\"begin\":0,\"end\":3}]}},\"langs\":[\"en\",\"de\"]}",
                "{\"text\":\"b\",\"toxic\":0,\"score\":2,\"ok\":false,\"mixed\":3,\"perspective\":{\"TOXICITY\":"
                        + "{\"value\":0.1,\"spans\":[]}},\"langs\":[]}") + "\n");
        List<TextRecord> records = read(jsonl);
        Path out = write(dir.resolve("ptp.parquet"), records, Map.of(), List.of(Map.of(), Map.of()));
        Map<String, String> types = schema(out);
        assertEquals("BIGINT", types.get("toxic"));
        assertEquals("DOUBLE", types.get("score"));
        assertEquals("BOOLEAN", types.get("ok"));
        assertEquals("VARCHAR", types.get("mixed"));
        assertEquals("STRUCT(TOXICITY STRUCT(\"value\" DOUBLE, spans STRUCT(\"begin\" BIGINT, \"end\" BIGINT)[]))",
                types.get("perspective"));
        assertEquals("VARCHAR[]", types.get("langs"));
        assertEquals(List.of("x", "3"), values(out, "mixed"));

        // read back: the same nested values (as JSON), and the same typed file again when written once more
        List<TextRecord> again = read(out);
        for (int i = 0; i < records.size(); i++) {
            for (String nested : List.of("perspective", "langs")) {
                assertEquals(JsonParser.parseString(records.get(i).fields().get(nested)),
                        JsonParser.parseString(again.get(i).fields().get(nested)), nested);
            }
            assertTrue(again.get(i).nested().contains("perspective"));
        }
        Path twice = write(dir.resolve("twice.parquet"), again, Map.of(), List.of(Map.of(), Map.of()));
        assertEquals(types, schema(twice));
        assertEquals(values(out, "perspective"), values(twice, "perspective"));
    }

    @Test
    void typedLabelColumnsParseAsLabels() throws Exception {
        Path in = dir.resolve("labels.parquet");
        sql("COPY (SELECT * FROM (VALUES ('a', 1::BIGINT, 1::INTEGER, 0.7::DOUBLE, 0.7::FLOAT, true), "
                + "('b', 0::BIGINT, 0::INTEGER, 0.2::DOUBLE, 0.2::FLOAT, false)) t(text, l64, l32, ld, lf, lb)) TO "
                + DuckDb.literal(in.toString()) + " (FORMAT parquet)");
        List<String> labels = List.of("l64", "l32", "ld", "lf", "lb");
        List<TextRecord> records;
        try (RecordStream s = Corpus.of(in, ColumnMapping.defaults().withLabels(labels)).read()) {
            records = s.stream().toList();
        }
        for (String label : labels) {
            assertEquals(List.of(true, false), records.stream().map(r -> r.labels().get(label)).toList(), label);
        }
    }

    @Test
    void parquetProgressFollowsTheRowCountInItsMetadata() throws Exception {
        Path in = dir.resolve("rows.parquet");
        sql("COPY (SELECT 'text ' || i AS text FROM range(8) r(i)) TO " + DuckDb.literal(in.toString())
                + " (FORMAT parquet)");
        try (RecordStream s = Corpus.of(in, ColumnMapping.defaults()).read()) {
            assertEquals(0.0, s.progress());
            s.next();
            s.next();
            assertEquals(0.25, s.progress(), 1e-12);
            s.stream().forEach(r -> { });
            assertEquals(1.0, s.progress(), 1e-12);
        }
    }
}
