package org.toxiscope.datasets;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * One text of a corpus: its id, text, language (or null), labels by label column (in column order,
 * empty when unlabelled), every original column in input order, and where it came from (file, line or record);
 * {@code nested} names the fields that hold a nested object or array as its JSON text, so outputs can write them back
 * as nested values, and {@code types} gives the fields' types where the input declares them (Parquet), so typed
 * outputs keep them.
 */
public record TextRecord(String id, String text, String lang, Map<String, Boolean> labels,
                         Map<String, String> fields, String file, long line, Set<String> nested,
                         Map<String, ColumnType> types) {

    public TextRecord {
        nested = nested == null || nested.isEmpty() ? Set.of() : Collections.unmodifiableSet(nested);
        types = types == null ? Map.of() : types;
    }

    /** A record with no nested fields and no declared types. */
    public TextRecord(String id, String text, String lang, Map<String, Boolean> labels, Map<String, String> fields,
                      String file, long line) {
        this(id, text, lang, labels, fields, file, line, Set.of(), Map.of());
    }

    /** The primary label (the first label column), or null when the record is unlabelled. */
    public Boolean toxic() {
        return labels.isEmpty() ? null : labels.values().iterator().next();
    }
}
