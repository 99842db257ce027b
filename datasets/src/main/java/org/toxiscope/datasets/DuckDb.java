package org.toxiscope.datasets;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Opens in-memory DuckDB connections that stream results and never fetch extensions from the network. */
final class DuckDb {

    private DuckDb() {
    }

    static Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("jdbc_stream_results", "true");
        props.setProperty("autoinstall_known_extensions", "false");
        props.setProperty("autoload_known_extensions", "false");
        Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        try (Statement s = c.createStatement()) {
            s.execute("SET preserve_insertion_order = true");
        }
        return c;
    }

    /**
     * {@code file} as a SQL string literal naming exactly that file: DuckDB's readers expand {@code * ? [} as a glob,
     * so a name holding them would otherwise read other files; each becomes a one-character class like {@code [[]}.
     */
    static String fileLiteral(Path file) {
        StringBuilder b = new StringBuilder();
        for (char ch : file.toAbsolutePath().toString().toCharArray()) {
            if (ch == '*' || ch == '?' || ch == '[' || ch == ']') {
                b.append('[').append(ch).append(']');
            } else {
                b.append(ch);
            }
        }
        return literal(b.toString());
    }

    /** {@code s} as a SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
