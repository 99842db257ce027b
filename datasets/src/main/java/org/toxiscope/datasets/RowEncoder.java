package org.toxiscope.datasets;

import java.util.List;
import java.util.Set;

/** Encodes rows of one output format as text, one complete record (ending in a newline) per call. */
interface RowEncoder {

    /** The header record, or null when the format has none. */
    String header(List<String> columns);

    /**
     * One record; a null value means the field is absent, and the values of the columns in {@code nested} are the JSON
     * text of a nested object or array (written as that value where the format has nested values, else as the text).
     */
    String encode(List<String> columns, List<String> values, Set<String> nested);

    /** True when a double quote opens and closes quoted fields, so a newline inside quotes does not end a record. */
    boolean quotesSpanNewlines();

    static RowEncoder of(Format format) {
        return switch (format) {
            case CSV -> new CsvRowEncoder(',');
            case TSV -> new CsvRowEncoder('\t');
            case JSONL -> new JsonlRowEncoder(true);
            // Parquet is assembled at commit, typed, from a JSON Lines partial of strings and nested values
            case PARQUET -> new JsonlRowEncoder(false);
        };
    }
}
