package org.toxiscope.datasets;

import java.util.Map;

/**
 * One text of a corpus: its id, text, language (or null), labels by label column (in column order,
 * empty when unlabelled), every original column in input order, and where it came from (file, line or record).
 */
public record TextRecord(String id, String text, String lang, Map<String, Boolean> labels,
                         Map<String, String> fields, String file, long line) {

    /** The primary label (the first label column), or null when the record is unlabelled. */
    public Boolean toxic() {
        return labels.isEmpty() ? null : labels.values().iterator().next();
    }
}
