package org.toxiscope.datasets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps one file's raw rows to {@link TextRecord}s under a {@link ColumnMapping}: resolves default columns from the
 * file's header (or first JSON object), reads named columns as {@link FieldPath}s into nested values, and throws
 * {@link DatasetException} naming file, line and field (and the missing part of a path) for a bad row.
 */
final class RecordMapper {

    static final List<String> TEXT_DEFAULTS = List.of("text", "comment_text", "content", "sentence");
    static final List<String> LABEL_DEFAULTS = List.of("toxic", "label");
    static final List<String> LANG_DEFAULTS = List.of("lang", "language");

    private final CorpusFile file;
    private final ColumnMapping mapping;
    private final LabelParser labels;
    private final Map<String, ColumnType> types;
    private String textColumn;
    private List<String> labelColumns;
    private String langColumn;
    private String idColumn;
    /** The named columns as paths, by name; a default column is a plain top-level name, which resolves the same. */
    private final Map<String, FieldPath> paths = new HashMap<>();
    private long recordNo;

    RecordMapper(CorpusFile file, ColumnMapping mapping, List<String> header, Map<String, ColumnType> types) {
        this.file = file;
        this.mapping = mapping;
        this.labels = mapping.labelParser();
        this.types = types;
        if (header != null) {
            resolve(header, true);
        }
    }

    private void resolve(Collection<String> columns, boolean strict) {
        textColumn = mapping.textColumnAmong(columns);
        if (textColumn == null) {
            throw new DatasetException(file.display(), 0, null,
                    "no text column (looked for " + TEXT_DEFAULTS + " among " + columns + "); pass --text-column");
        }
        if (!mapping.readLabels()) {
            labelColumns = List.of();
        } else if (!mapping.labelColumns().isEmpty()) {
            labelColumns = mapping.labelColumns();
        } else {
            String label = find(columns, LABEL_DEFAULTS);
            labelColumns = label == null ? List.of() : List.of(label);
        }
        langColumn = mapping.langColumn() != null ? mapping.langColumn()
                : mapping.lang() != null ? null : find(columns, LANG_DEFAULTS);
        // A column named "id" (Jigsaw, most JSONL dumps) is the record id unless --id-column says otherwise.
        idColumn = mapping.idColumn() != null ? mapping.idColumn() : find(columns, List.of("id"));
        if (strict) {
            List<String> named = new ArrayList<>(labelColumns);
            named.add(textColumn);
            if (langColumn != null) {
                named.add(langColumn);
            }
            if (mapping.idColumn() != null) {
                named.add(mapping.idColumn());
            }
            for (String column : named) {
                if (path(column).column(columns) == null) {
                    throw new DatasetException(file.display(), 0, column, "no such column (columns: " + columns + ")");
                }
            }
        }
    }

    static String find(Collection<String> columns, List<String> candidates) {
        for (String c : candidates) {
            if (columns.contains(c)) {
                return c;
            }
        }
        for (String c : candidates) {
            for (String column : columns) {
                if (column.equalsIgnoreCase(c)) {
                    return column;
                }
            }
        }
        return null;
    }

    /**
     * The record for {@code row}, or null when a label column holds an unscored marker (the row is skipped, whatever
     * the other label columns hold); counts it towards the stable record number even when it is bad or skipped.
     */
    TextRecord map(RawRow row) {
        recordNo++;
        if (row.problem() != null) {
            throw new DatasetException(file.display(), row.line(), row.problemField(), row.problem());
        }
        LinkedHashMap<String, String> fields = row.fields();
        if (textColumn == null) {
            resolve(fields.keySet(), false);
        }
        Map<String, Boolean> labelValues;
        if (labelColumns.isEmpty()) {
            labelValues = Map.of();
        } else {
            String[] cells = new String[labelColumns.size()];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = required(row, labelColumns.get(i));
                if (labels.unscored(cells[i])) {
                    return null; // before any label is parsed: an unscored row is skipped whatever the others hold
                }
            }
            LinkedHashMap<String, Boolean> values = new LinkedHashMap<>(labelColumns.size() * 2);
            for (int i = 0; i < cells.length; i++) {
                try {
                    values.put(labelColumns.get(i), labels.parse(cells[i]));
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(file.display(), row.line(), labelColumns.get(i), e.getMessage());
                }
            }
            labelValues = Collections.unmodifiableMap(values);
        }
        String text = required(row, textColumn);
        if (text.isBlank()) {
            throw new DatasetException(file.display(), row.line(), textColumn, "empty text");
        }
        return new TextRecord(id(row), text, lang(row), labelValues, Collections.unmodifiableMap(fields),
                file.display(), row.line(), row.nested(), types);
    }

    private FieldPath path(String column) {
        return paths.computeIfAbsent(column, FieldPath::new);
    }

    private String required(RawRow row, String column) {
        try {
            return path(column).value(row.fields(), row.nested());
        } catch (FieldPath.Missing e) {
            throw new DatasetException(file.display(), row.line(), column,
                    e.getMessage() == null ? "missing value" : "missing value: " + e.getMessage());
        }
    }

    private String id(RawRow row) {
        if (idColumn == null) {
            return file.name() + ":" + recordNo;
        }
        String id = required(row, idColumn);
        if (id.isBlank()) {
            throw new DatasetException(file.display(), row.line(), idColumn, "empty id");
        }
        return id;
    }

    private String lang(RawRow row) {
        if (mapping.lang() != null) {
            return mapping.lang();
        }
        if (langColumn != null) {
            String value;
            try {
                value = path(langColumn).value(row.fields(), row.nested());
            } catch (FieldPath.Missing e) {
                value = null; // a record without a language falls back to the file path's, as a top-level gap does
            }
            if (value != null && !value.isBlank()) {
                return value.trim().toLowerCase(Locale.ROOT);
            }
        }
        return file.pathLanguage();
    }
}
