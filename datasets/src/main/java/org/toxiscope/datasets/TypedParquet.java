package org.toxiscope.datasets;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns a writer's JSON Lines partial (scalars as strings, nested values as values) into a Parquet file with typed
 * columns: a declared {@link ColumnType} wins; an undeclared column gets the type its values read as, as JSON Lines
 * output writes them (all integers: BIGINT, all numbers: DOUBLE, all true/false: BOOLEAN, all objects or all arrays:
 * the struct or list they share), else VARCHAR.
 */
final class TypedParquet {

    /** A text value of a JSON Lines record may be long (a CSV field holds up to 16 Mi characters). */
    private static final long MAX_RECORD_BYTES = 1L << 30;

    private TypedParquet() {
    }

    /** Writes {@code out} from {@code partial}, which holds {@code records} records of {@code columns}. */
    static void write(Path partial, long records, List<String> columns, Map<String, ColumnType> declared, Path out)
            throws SQLException {
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            String select;
            if (records == 0) {
                StringJoiner empty = new StringJoiner(", ");
                for (String column : columns) {
                    empty.add("CAST(NULL AS " + declared.getOrDefault(column, ColumnType.TEXT).sql() + ") AS "
                            + quoted(column));
                }
                select = "SELECT " + empty + " WHERE false";
            } else {
                Map<String, Column> plan = new LinkedHashMap<>();
                List<String> undeclared = new ArrayList<>();
                for (String column : columns) {
                    ColumnType type = declared.get(column);
                    if (type == null) {
                        undeclared.add(column);
                    } else {
                        plan.put(column, type.isTextList() ? Column.textList() : Column.read(type.sql()));
                    }
                }
                Map<String, Column> inferred = infer(s, partial, undeclared);
                StringJoiner read = new StringJoiner(", ", "{", "}");
                StringJoiner exprs = new StringJoiner(", ");
                for (String column : columns) {
                    Column how = plan.containsKey(column) ? plan.get(column) : inferred.get(column);
                    read.add(DuckDb.literal(column) + ": " + DuckDb.literal(how.readAs()));
                    exprs.add(how.expression(quoted(column)) + " AS " + quoted(column));
                }
                select = "SELECT " + exprs + " FROM " + source(partial, read.toString());
            }
            s.execute("COPY (" + select + ") TO " + DuckDb.literal(out.toString()) + " (FORMAT parquet)");
        }
    }

    private static String source(Path partial, String columns) {
        return "read_json(" + DuckDb.fileLiteral(partial) + ", format = 'newline_delimited', maximum_object_size = "
                + MAX_RECORD_BYTES + ", columns = " + columns + ")";
    }

    /** The types the values of {@code columns} read as, from one pass over the partial. */
    private static Map<String, Column> infer(Statement s, Path partial, List<String> columns) throws SQLException {
        Map<String, Column> out = new LinkedHashMap<>();
        if (columns.isEmpty()) {
            return out;
        }
        StringJoiner read = new StringJoiner(", ", "{", "}");
        StringJoiner tests = new StringJoiner(", ");
        for (String column : columns) {
            String q = quoted(column);
            String value = "(" + q + "->>'$')";
            String text = "json_type(" + q + ") = 'VARCHAR' AND ";
            read.add(DuckDb.literal(column) + ": 'JSON'");
            tests.add("bool_and(" + text + "regexp_full_match(" + value + ", "
                    + DuckDb.literal(JsonlRowEncoder.INTEGER_REGEX) + "))");
            tests.add("bool_and(" + text + "regexp_full_match(" + value + ", "
                    + DuckDb.literal(JsonlRowEncoder.NUMBER_REGEX) + "))");
            tests.add("bool_and(" + text + value + " IN ('true', 'false'))");
            tests.add("bool_and(json_type(" + q + ") = 'OBJECT') OR bool_and(json_type(" + q + ") = 'ARRAY')");
            tests.add("CAST(json_group_structure(" + q + ") AS VARCHAR)");
        }
        try (ResultSet r = s.executeQuery("SELECT " + tests + " FROM " + source(partial, read.toString()))) {
            r.next();
            for (int i = 0; i < columns.size(); i++) {
                int at = i * 5 + 1;
                Column how;
                if (r.getBoolean(at)) {
                    how = Column.read(ColumnType.BIGINT.sql());
                } else if (r.getBoolean(at + 1)) {
                    how = Column.read(ColumnType.DOUBLE.sql());
                } else if (r.getBoolean(at + 2)) {
                    how = Column.read(ColumnType.BOOLEAN.sql());
                } else if (r.getBoolean(at + 3)) {
                    how = Column.nested(structure(r.getString(at + 4)));
                } else {
                    how = Column.read(ColumnType.TEXT.sql());
                }
                out.put(columns.get(i), how);
            }
        }
        return out;
    }

    /**
     * DuckDB's merged structure with its leaves made plain: non-negative integers are BIGINT (not UBIGINT), and a
     * field that was only ever null or an empty array's items are VARCHAR.
     */
    private static String structure(String merged) {
        return plain(JsonParser.parseString(merged)).toString();
    }

    private static JsonElement plain(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = new JsonObject();
            e.getAsJsonObject().entrySet().forEach(f -> o.add(f.getKey(), plain(f.getValue())));
            return o;
        }
        if (e.isJsonArray()) {
            JsonArray a = new JsonArray();
            e.getAsJsonArray().forEach(x -> a.add(plain(x)));
            return a;
        }
        String type = e.getAsString();
        return new JsonPrimitive(switch (type) {
            case "UBIGINT" -> "BIGINT";
            case "NULL" -> "VARCHAR";
            default -> type;
        });
    }

    private static String quoted(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    /** How one column is read from the partial ({@code readAs}, a DuckDB type) and turned into its output value. */
    private record Column(String readAs, String structure, boolean joinedText) {

        static Column read(String sql) {
            return new Column(sql, null, false);
        }

        static Column nested(String structure) {
            return new Column("JSON", structure, false);
        }

        static Column textList() {
            return new Column("JSON", null, true);
        }

        String expression(String q) {
            if (joinedText) {
                String text = "(" + q + "->>'$')";
                return "CASE WHEN json_type(" + q + ") = 'VARCHAR' THEN (CASE WHEN " + text + " = '' THEN []::VARCHAR[] "
                        + "ELSE string_split(" + text + ", " + DuckDb.literal(ColumnType.LIST_SEPARATOR) + ") END) "
                        + "ELSE CAST(" + q + " AS VARCHAR[]) END";
            }
            return structure == null ? q : "json_transform(" + q + ", " + DuckDb.literal(structure) + ")";
        }
    }
}
