package org.toxiscope.datasets;

import java.util.LinkedHashMap;

/**
 * One record as read, before mapping: its fields by column in input order, the line it starts on (record number for
 * Parquet), and, when it could not be read, the problem (then {@code fields} may be null and {@code raw} holds the text).
 */
record RawRow(long line, LinkedHashMap<String, String> fields, String raw, String problem, String problemField) {

    static RawRow ok(long line, LinkedHashMap<String, String> fields) {
        return new RawRow(line, fields, null, null, null);
    }

    static RawRow bad(long line, LinkedHashMap<String, String> fields, String raw, String problemField, String problem) {
        return new RawRow(line, fields, raw, problem, problemField);
    }
}
