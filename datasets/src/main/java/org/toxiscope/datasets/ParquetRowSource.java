package org.toxiscope.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Parquet rows through an in-process DuckDB (its Parquet reader is built in, no network), streamed in file order;
 * every column becomes its string form, nulls are left out, "line" is the 1-based row number.
 */
final class ParquetRowSource implements RowSource {

    private final Connection connection;
    private final Statement statement;
    private final ResultSet rows;
    private final List<String> header;
    private long rowNo;

    ParquetRowSource(Path file) throws IOException {
        try {
            connection = DuckDb.connect();
            statement = connection.createStatement();
            rows = statement.executeQuery("SELECT * FROM read_parquet(" + DuckDb.fileLiteral(file) + ")");
            ResultSetMetaData meta = rows.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
            }
            header = List.copyOf(names);
        } catch (SQLException e) {
            throw new IOException("cannot read Parquet: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> header() {
        return header;
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
            return RawRow.ok(rowNo, fields);
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
