package org.toxiscope.datasets;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * How corpus columns become {@link TextRecord}s, and what to do with bad records. Null columns mean "use the default":
 * text = first of text/comment_text/content/sentence; labels = toxic or label if present, else unlabelled;
 * lang = lang/language column, else the {@code lang} constant, else a 2-3 letter code in the file path;
 * id = a stable {@code FILE:RECORD} when no id column is named. {@code columns} names the columns of header-less
 * CSV/TSV files (then the first row is data); {@code rejects} receives rejected records (JSON Lines) when set.
 * {@code skipLabels} are the unscored markers (null: {@link #DEFAULT_SKIP_LABELS}, empty: none): a row whose label
 * column holds one, in any of the label columns read, is left out and counted ({@link RecordStream#skipped}), never
 * rejected. Without {@code readLabels} no label column is read (records are unlabelled), for commands that use the
 * texts only.
 */
public record ColumnMapping(String textColumn, List<String> labelColumns, String langColumn, String lang,
                            String idColumn, double labelThreshold, List<String> columns, OnError onError,
                            Path rejects, List<String> skipLabels, boolean readLabels) {

    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Jigsaw's test_labels.csv marks the rows that were not scored with -1 in every label column. */
    public static final List<String> DEFAULT_SKIP_LABELS = List.of("-1");

    public ColumnMapping {
        labelColumns = labelColumns == null ? List.of() : List.copyOf(labelColumns);
        columns = columns == null ? List.of() : List.copyOf(columns);
        skipLabels = skipLabels == null ? DEFAULT_SKIP_LABELS : List.copyOf(skipLabels);
        onError = onError == null ? OnError.FAIL : onError;
        if (!(labelThreshold >= 0 && labelThreshold <= 1)) {
            throw new IllegalArgumentException("label threshold must be in [0,1], got " + labelThreshold);
        }
        if (langColumn != null && lang != null) {
            throw new IllegalArgumentException("give a language column or a constant language, not both");
        }
        new LabelParser(labelThreshold, skipLabels); // refuses a marker that is a label value now, not at a record
    }

    /** The one parser of this mapping's label cells: its threshold and its unscored markers. */
    public LabelParser labelParser() {
        return new LabelParser(labelThreshold, skipLabels);
    }

    /** The text column among {@code columns}: the one named, else the first default present; null when none is. */
    public String textColumnAmong(Collection<String> columns) {
        return textColumn != null ? textColumn : RecordMapper.find(columns, RecordMapper.TEXT_DEFAULTS);
    }

    /** All defaults: columns found by name, fail on the first bad record. */
    public static ColumnMapping defaults() {
        return new ColumnMapping(null, List.of(), null, null, null, DEFAULT_THRESHOLD, List.of(), OnError.FAIL, null,
                null, true);
    }

    public ColumnMapping withText(String column) {
        return new ColumnMapping(column, labelColumns, langColumn, lang, idColumn, labelThreshold, columns, onError,
                rejects, skipLabels, readLabels);
    }

    public ColumnMapping withLabels(List<String> labelColumnNames) {
        return new ColumnMapping(textColumn, labelColumnNames, langColumn, lang, idColumn, labelThreshold, columns, onError,
                rejects, skipLabels, readLabels);
    }

    public ColumnMapping withLang(String constant) {
        return new ColumnMapping(textColumn, labelColumns, langColumn, constant, idColumn, labelThreshold, columns, onError,
                rejects, skipLabels, readLabels);
    }

    public ColumnMapping withId(String column) {
        return new ColumnMapping(textColumn, labelColumns, langColumn, lang, column, labelThreshold, columns, onError,
                rejects, skipLabels, readLabels);
    }

    public ColumnMapping withColumns(List<String> names) {
        return new ColumnMapping(textColumn, labelColumns, langColumn, lang, idColumn, labelThreshold, names, onError,
                rejects, skipLabels, readLabels);
    }

    /** This mapping reading no label column: a bad or unscored label neither stops nor drops a row. */
    public ColumnMapping withoutLabels() {
        return new ColumnMapping(textColumn, List.of(), langColumn, lang, idColumn, labelThreshold, columns, onError,
                rejects, skipLabels, false);
    }

    public ColumnMapping withOnError(OnError policy, Path rejectsFile) {
        return new ColumnMapping(textColumn, labelColumns, langColumn, lang, idColumn, labelThreshold, columns, policy,
                rejectsFile, skipLabels, readLabels);
    }
}
