package org.toxiscope.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.toxiscope.common.Snippet;

/**
 * Turns a label cell into toxic/non-toxic: 0/1, true/false, yes/no, toxic/non-toxic/neutral, or a score in [0,1] vs a
 * threshold; or tells that the cell holds an unscored marker (such as Jigsaw test_labels.csv's -1) instead of a label.
 */
public final class LabelParser {

    private final double threshold;
    /** The unscored markers, trimmed and lower-cased, and each one's number (NaN when it is not one). */
    private final List<String> unscored;
    private final double[] unscoredNumbers;

    public LabelParser(double threshold) {
        this(threshold, List.of());
    }

    /**
     * A parser that also recognises the {@code unscored} markers; a marker that reads as a label is refused, since
     * skipping it would drop scored rows.
     */
    public LabelParser(double threshold, List<String> unscored) {
        this.threshold = threshold;
        this.unscored = new ArrayList<>(unscored.size());
        this.unscoredNumbers = new double[unscored.size()];
        for (int i = 0; i < unscored.size(); i++) {
            String marker = unscored.get(i);
            boolean isLabel;
            try {
                parse(marker);
                isLabel = true;
            } catch (IllegalArgumentException e) {
                isLabel = false;
            }
            if (isLabel) {
                throw new IllegalArgumentException("--skip-label " + marker + ": '" + marker + "' is a label value, "
                        + "not a marker of unscored rows");
            }
            this.unscored.add(marker.trim().toLowerCase(Locale.ROOT));
            this.unscoredNumbers[i] = number(marker.trim());
        }
    }

    /**
     * Whether {@code value} is an unscored marker: the same text ignoring case and surrounding spaces, or the same
     * number (so -1 also matches -1.0, as a Parquet double column writes it).
     */
    public boolean unscored(String value) {
        if (unscored.isEmpty()) {
            return false;
        }
        String v = value.trim();
        if (unscored.contains(v.toLowerCase(Locale.ROOT))) {
            return true;
        }
        double d = number(v);
        if (!Double.isNaN(d)) {
            for (double u : unscoredNumbers) {
                if (u == d) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The label {@code value} stands for; IllegalArgumentException naming the value when it stands for none. */
    public boolean parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "1", "true", "yes", "y", "toxic" -> {
                return true;
            }
            case "0", "false", "no", "n", "non-toxic", "non_toxic", "nontoxic", "not toxic", "neutral" -> {
                return false;
            }
            default -> {
                return score(value, v);
            }
        }
    }

    private boolean score(String original, String v) {
        double d = number(v);
        if (d >= 0 && d <= 1) {
            return d >= threshold;
        }
        String hint = !Double.isNaN(d) && d == -1 ? "; -1 marks an unscored row in Jigsaw's test_labels.csv: "
                + "pass --skip-label -1 to leave such rows out" : "";
        throw new IllegalArgumentException("label \"" + Snippet.of(original)
                + "\" is not 0/1, true/false, yes/no, toxic/non-toxic/neutral or a score in [0,1]" + hint);
    }

    /** {@code v} as a number when it is written as one (a sign, digit or point first), else NaN. */
    private static double number(String v) {
        if (!v.isEmpty() && (Character.isDigit(v.charAt(0)) || v.charAt(0) == '.' || v.charAt(0) == '-'
                || v.charAt(0) == '+')) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
