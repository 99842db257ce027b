package org.toxiscope.datasets;

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

    /** {@code s} as a SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
