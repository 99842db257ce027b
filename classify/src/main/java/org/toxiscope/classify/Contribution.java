package org.toxiscope.classify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;

/**
 * Why an example scored as it did: a feature of a layer, the token position of its pooled maximum (-1 unknown),
 * its pooled activation, and its share of the score (the activation itself for the rule, weight x value for a
 * linear model).
 */
public record Contribution(int layer, int feature, int position, float activation, double contribution) {

    /** {@code L14:f2311@tok5=3.2}: feature, token position (omitted when unknown) and contribution to 3 significant digits. */
    @Override
    public String toString() {
        String at = position >= 0 ? "@tok" + position : "";
        return FeatureRef.name(layer, feature) + at + "=" + new BigDecimal(contribution).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** The {@code max} largest contributions of {@code all} (which it reorders), largest first. */
    static List<Contribution> top(List<Contribution> all, int max) {
        all.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
        return List.copyOf(all.subList(0, Math.min(max, all.size())));
    }
}
