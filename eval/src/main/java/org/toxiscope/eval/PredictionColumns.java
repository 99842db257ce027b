package org.toxiscope.eval;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.toxiscope.common.Snippet;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.LabelParser;

/**
 * Which columns of a labelled table hold the gold label, score, hard prediction, language and id, and how one row
 * becomes a {@link ScoredExample}. score and predicted may each be null, not both: without a score column the score
 * is the 0/1 prediction; without a prediction column, score >= threshold counts as toxic. lang and id may be null
 * (language unknown; id = the row's location). {@code unscored} are the gold markers of rows that were not scored
 * (such as Jigsaw's -1; null: the corpus reader's default), which {@link #isUnscored} tells and a source leaves out.
 */
public record PredictionColumns(String gold, String score, String predicted, String lang, String id,
                                double threshold, List<String> unscored) {

    public PredictionColumns {
        unscored = unscored == null ? ColumnMapping.DEFAULT_SKIP_LABELS : List.copyOf(unscored);
        if (gold == null || gold.isBlank()) {
            throw new IllegalArgumentException("a gold label column is required");
        }
        if (score == null && predicted == null) {
            throw new IllegalArgumentException("need a score column, a prediction column or both");
        }
        if (gold.equals(predicted) || gold.equals(score)) {
            throw new IllegalArgumentException("the gold column " + gold + " is also the score or prediction column");
        }
    }

    /** The parser that tells an unscored gold cell, as the corpus reader tells an unscored label. */
    public LabelParser unscoredMarkers() {
        return new LabelParser(threshold, unscored);
    }

    /**
     * The scored example of one row given as column name to text (null or missing = empty cell); where names the row
     * in errors, e.g. "out.csv line 12".
     */
    public ScoredExample toExample(Map<String, String> row, String where) {
        boolean goldValue = parseBoolean(required(row, gold, where), gold, where);
        Double scoreValue = null;
        if (score != null) {
            String text = required(row, score, where);
            try {
                scoreValue = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": column " + score + ": '" + Snippet.of(text)
                        + "' is not a number");
            }
            if (!Double.isFinite(scoreValue)) {
                throw new IllegalArgumentException(where + ": column " + score + ": score " + text + " is not finite");
            }
        }
        boolean predictedValue = predicted != null ? parseBoolean(required(row, predicted, where), predicted, where)
                : scoreValue >= threshold;
        double s = scoreValue != null ? scoreValue : predictedValue ? 1 : 0;
        String langValue = lang == null ? null : row.get(lang);
        String idValue = id == null || blank(row.get(id)) ? where : row.get(id);
        return new ScoredExample(idValue, blank(langValue) ? null : langValue.trim(), goldValue, s, predictedValue);
    }

    /** The mapping as JSON, for provenance. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("gold", gold);
        o.addProperty("score", score);
        o.addProperty("predicted", predicted);
        if (predicted == null) {
            o.addProperty("threshold", threshold);
        }
        o.addProperty("lang", lang);
        o.addProperty("id", id);
        o.add("unscored", new Gson().toJsonTree(unscored));
        return o;
    }

    private static String required(Map<String, String> row, String column, String where) {
        String value = row.get(column);
        if (blank(value)) {
            throw new IllegalArgumentException(where + ": column " + column + " is "
                    + (row.containsKey(column) ? "empty" : "missing (columns: " + String.join(", ", row.keySet()) + ")"));
        }
        return value;
    }

    /** true/false, 1/0 (also 1.0/0.0), yes/no, t/f, y/n, toxic/clean; case-insensitive. */
    static boolean parseBoolean(String text, String column, String where) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "1.0", "yes", "t", "y", "toxic":
                return true;
            case "false", "0", "0.0", "no", "f", "n", "clean":
                return false;
            default:
                throw new IllegalArgumentException(where + ": column " + column + ": cannot read '" + Snippet.of(text)
                        + "' as a label (expected true/false, 1/0, yes/no or toxic/clean)");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

}
