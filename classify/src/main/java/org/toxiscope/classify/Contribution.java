package org.toxiscope.classify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Why an example scored as it did: a feature of a layer, the token position of its pooled maximum (-1 unknown) and
 * that token's text (null where not looked up), its pooled activation, and its share of the score (the activation
 * itself for the rule, weight x value for a linear model).
 */
public record Contribution(int layer, int feature, int position, String token, float activation, double contribution) {

    /** A contribution whose token text is not looked up yet. */
    public Contribution(int layer, int feature, int position, float activation, double contribution) {
        this(layer, feature, position, null, activation, contribution);
    }

    /** This contribution with the text of its token. */
    public Contribution withToken(String text) {
        return new Contribution(layer, feature, position, text, activation, contribution);
    }

    /**
     * {@code L14:f2311@5" idiot"=3.2}: feature, {@code @} token position (omitted when unknown) and the token's text as
     * a JSON string (omitted when not looked up; {@code ;} written {@code \u003b} so the column splits on {@code ;}),
     * then {@code =} the contribution to 3 significant digits.
     */
    @Override
    public String toString() {
        String at = position >= 0 ? "@" + position + (token == null ? "" : quote(token)) : "";
        return FeatureRef.name(layer, feature) + at + "="
                + new BigDecimal(contribution).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** {@code text} as a JSON string literal, with {@code ;} escaped too. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == ';' || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** The {@code max} largest contributions of {@code all} (which it reorders), largest first. */
    static List<Contribution> top(List<Contribution> all, int max) {
        all.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
        return List.copyOf(all.subList(0, Math.min(max, all.size())));
    }
}
