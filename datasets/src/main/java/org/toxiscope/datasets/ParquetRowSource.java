package org.toxiscope.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Parquet rows through an in-process DuckDB (its Parquet reader is built in, no network), streamed in file order;
 * every column becomes its string form (integers and doubles their number, booleans true/false), a struct, list or
 * map its JSON text (named in the row's {@code nested}), nulls are left out, "line" is the 1-based row number; the
 * schema's types and the row count in the file's metadata are kept for typed outputs and progress.
 */
final class ParquetRowSource implements RowSource {

    private final Connection connection;
    private final Statement statement;
    private final ResultSet rows;
    private final List<String> header;
    private final Set<String> nested;
    private final Map<String, ColumnType> types;
    private final long rowCount;
    private long rowNo;

    ParquetRowSource(Path file) throws IOException {
        try {
            connection = DuckDb.connect();
            statement = connection.createStatement();
            String source = "FROM read_parquet(" + DuckDb.fileLiteral(file) + ")";
            List<String> names = new ArrayList<>();
            Set<String> nestedNames = new HashSet<>();
            Map<String, ColumnType> schema = new LinkedHashMap<>();
            StringJoiner select = new StringJoiner(", ");
            try (ResultSet shape = statement.executeQuery("DESCRIBE SELECT * " + source)) {
                while (shape.next()) {
                    String name = shape.getString("column_name");
                    String type = shape.getString("column_type");
                    String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
                    names.add(name);
                    schema.put(name, new ColumnType(type));
                    if (isNested(type)) {
                        nestedNames.add(name);
                        select.add("CAST(to_json(" + quoted + ") AS VARCHAR) AS " + quoted);
                    } else {
                        select.add(quoted);
                    }
                }
            }
            header = List.copyOf(names);
            nested = Set.copyOf(nestedNames);
            types = Collections.unmodifiableMap(schema);
            try (ResultSet count = statement.executeQuery("SELECT sum(num_rows) FROM parquet_file_metadata("
                    + DuckDb.fileLiteral(file) + ")")) {
                count.next();
                rowCount = count.getLong(1);
            }
            rows = statement.executeQuery(names.isEmpty() ? "SELECT * " + source : "SELECT " + select + " " + source);
        } catch (SQLException e) {
            throw new IOException("cannot read Parquet: " + e.getMessage(), e);
        }
    }

    /** Struct ({@code STRUCT(...)}), list ({@code T[]}), fixed array ({@code T[n]}) and map ({@code MAP(...)}) types. */
    private static boolean isNested(String type) {
        return type.startsWith("STRUCT") || type.startsWith("MAP") || type.endsWith("]");
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public Map<String, ColumnType> types() {
        return types;
    }

    @Override
    public double rowsRead() {
        return rowCount == 0 ? 1 : Math.min(1.0, (double) rowNo / rowCount);
    }

    @Override
    public RawRow next() throws IOException {
        try {
            if (!rows.next()) {
                return null;
            }
            rowNo++;
            LinkedHashMap<String, String> fields = new LinkedHashMap<>(header.size() * 2);
            for (int i = 0; i < header.size(); i++) {
                Object value = rows.getObject(i + 1);
                if (value != null) {
                    fields.put(header.get(i), value.toString());
                }
            }
            return RawRow.ok(rowNo, fields, nested);
        } catch (SQLException e) {
            throw new IOException("cannot read Parquet row " + (rowNo + 1) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try (connection; statement; rows) {
            // closes all three in reverse order
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
