package org.toxiscope.datasets;

import java.util.Locale;

/**
 * The type an output column has in a format that keeps types (Parquet), as a DuckDB SQL type such as {@code BIGINT},
 * {@code DOUBLE} or {@code STRUCT(a VARCHAR)}; a text-list column written as plain text holds its items joined by
 * {@value #LIST_SEPARATOR} (as {@code top_features} is).
 */
public record ColumnType(String sql) {

    public static final String LIST_SEPARATOR = ";";
    public static final ColumnType TEXT = new ColumnType("VARCHAR");
    public static final ColumnType INTEGER = new ColumnType("INTEGER");
    public static final ColumnType BIGINT = new ColumnType("BIGINT");
    public static final ColumnType DOUBLE = new ColumnType("DOUBLE");
    public static final ColumnType BOOLEAN = new ColumnType("BOOLEAN");
    public static final ColumnType TEXT_LIST = new ColumnType("VARCHAR[]");

    public ColumnType {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("a column type needs an SQL type");
        }
    }

    /** Whether values are text (so are written quoted, character for character). */
    boolean isText() {
        return sql.toUpperCase(Locale.ROOT).equals("VARCHAR");
    }

    /** Whether values are lists of text, which a plain-text value gives as its items joined by the separator. */
    boolean isTextList() {
        return sql.toUpperCase(Locale.ROOT).equals("VARCHAR[]");
    }

    @Override
    public String toString() {
        return sql;
    }
}
