package org.toxiscope.datasets;

import java.util.LinkedHashMap;
import java.util.Set;

/**
 * One record as read, before mapping: its fields by column in input order, the names of those that hold a nested
 * object or array as its JSON text, the line it starts on (record number for Parquet), and, when it could not be read,
 * the problem (then {@code fields} may be null and {@code raw} holds the text).
 */
record RawRow(long line, LinkedHashMap<String, String> fields, Set<String> nested, String raw, String problem,
              String problemField) {

    static RawRow ok(long line, LinkedHashMap<String, String> fields) {
        return ok(line, fields, Set.of());
    }

    static RawRow ok(long line, LinkedHashMap<String, String> fields, Set<String> nested) {
        return new RawRow(line, fields, nested, null, null, null);
    }

    static RawRow bad(long line, LinkedHashMap<String, String> fields, String raw, String problemField, String problem) {
        return new RawRow(line, fields, Set.of(), raw, problem, problemField);
    }
}
