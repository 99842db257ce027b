package org.toxiscope.datasets;

import java.util.Locale;

/** Turns a label cell into toxic/non-toxic: 0/1, true/false, yes/no, toxic/non-toxic/neutral, or a score in [0,1] vs a threshold. */
public final class LabelParser {

    private final double threshold;

    public LabelParser(double threshold) {
        this.threshold = threshold;
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
        if (!v.isEmpty() && (Character.isDigit(v.charAt(0)) || v.charAt(0) == '.' || v.charAt(0) == '-' || v.charAt(0) == '+')) {
            try {
                double d = Double.parseDouble(v);
                if (d >= 0 && d <= 1) {
                    return d >= threshold;
                }
            } catch (NumberFormatException e) {
                // falls through to the error naming the value
            }
        }
        throw new IllegalArgumentException("label \"" + original
                + "\" is not 0/1, true/false, yes/no, toxic/non-toxic/neutral or a score in [0,1]");
    }
}
