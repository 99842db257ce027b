package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.toxiscope.datasets.ColumnType;

/**
 * The columns {@code label} appends to every input row, wherever it runs: {@code toxic_score} (in [0, 1]),
 * {@code toxic} (0/1), {@code top_features}, then {@code <label>_score} and {@code <label>} for each further label of
 * the bundle, and where asked the raw scores {@code toxic_raw} and {@code <label>_raw} last; a name the input already
 * uses gets {@code _pred} appended, so input columns are never overwritten.
 */
public record LabelColumns(List<String> names, List<Kind> kinds, List<String> renamed) {

    /**
     * What a column holds, as {@link #values} gives it: score (Double), 0/1 decision (Integer), top_features (String),
     * and its type in typed outputs (Parquet): DOUBLE, INTEGER, and a list of the features' texts.
     */
    public enum Kind {
        SCORE(ColumnType.DOUBLE), DECISION(ColumnType.INTEGER), EXPLANATION(ColumnType.TEXT_LIST);

        private final ColumnType type;

        Kind(ColumnType type) {
            this.type = type;
        }

        public ColumnType type() {
            return type;
        }
    }

    public LabelColumns {
        names = List.copyOf(names);
        kinds = List.copyOf(kinds);
        renamed = List.copyOf(renamed);
    }

    /** The appended columns' types in typed outputs, by name. */
    public Map<String, ColumnType> types() {
        Map<String, ColumnType> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), kinds.get(i).type());
        }
        return out;
    }

    /** The appended columns for {@code labelNames} (primary first) next to an input with {@code inputColumns}. */
    public static LabelColumns of(List<String> labelNames, Collection<String> inputColumns) {
        return of(labelNames, inputColumns, false);
    }

    /** As {@link #of(List, Collection)}, with the raw score columns last when {@code raw}. */
    public static LabelColumns of(List<String> labelNames, Collection<String> inputColumns, boolean raw) {
        List<String> wanted = new ArrayList<>(List.of("toxic_score", "toxic", "top_features"));
        List<Kind> kinds = new ArrayList<>(List.of(Kind.SCORE, Kind.DECISION, Kind.EXPLANATION));
        for (String extra : labelNames.subList(1, labelNames.size())) {
            wanted.add(extra + "_score");
            wanted.add(extra);
            kinds.add(Kind.SCORE);
            kinds.add(Kind.DECISION);
        }
        if (raw) {
            wanted.add("toxic_raw");
            kinds.add(Kind.SCORE);
            for (String extra : labelNames.subList(1, labelNames.size())) {
                wanted.add(extra + "_raw");
                kinds.add(Kind.SCORE);
            }
        }
        List<String> names = new ArrayList<>();
        List<String> renamed = new ArrayList<>();
        for (String name : wanted) {
            String chosen = name;
            while (inputColumns.contains(chosen)) {
                chosen = chosen + "_pred";
            }
            if (!chosen.equals(name)) {
                renamed.add("the input has a column '" + name + "'; the prediction is written as '" + chosen + "'");
            }
            names.add(chosen);
        }
        return new LabelColumns(names, kinds, renamed);
    }

    /**
     * One record's appended values, aligned with {@link #names()} and {@link #kinds()}: per label its score and
     * decision, with the primary label's {@code top_features} after its decision.
     */
    public static List<Object> values(List<Prediction> predictions) {
        return values(predictions, false);
    }

    /** As {@link #values(List)}, with each label's raw score last when {@code raw}. */
    public static List<Object> values(List<Prediction> predictions, boolean raw) {
        List<Object> values = new ArrayList<>(predictions.size() * 3 + 1);
        for (Prediction p : predictions) {
            values.add(p.score());
            values.add(p.toxic() ? 1 : 0);
            if (values.size() == 2) {
                values.add(p.topFeatures());
            }
        }
        if (raw) {
            for (Prediction p : predictions) {
                values.add(p.raw());
            }
        }
        return values;
    }

    /** A value of {@link #values} as text files hold it: scores with six decimals, the rest as is. */
    public static String text(Object value) {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(value);
    }
}
