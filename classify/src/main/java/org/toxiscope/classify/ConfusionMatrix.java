package org.toxiscope.classify;

import java.util.function.IntPredicate;

/**
 * Counts of binary decisions against gold (toxic is the positive class) and the ratios derived from them; a ratio
 * whose denominator is zero is undefined and returned as null (never 0 or NaN), which JSON writes as null.
 */
public record ConfusionMatrix(long tp, long fp, long fn, long tn) {

    /** The counts over rows 0..n-1, row i decided {@code predicted.test(i)} with gold {@code gold.test(i)}. */
    public static ConfusionMatrix count(int n, IntPredicate predicted, IntPredicate gold) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < n; i++) {
            if (predicted.test(i)) {
                if (gold.test(i)) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (gold.test(i)) {
                fn++;
            } else {
                tn++;
            }
        }
        return new ConfusionMatrix(tp, fp, fn, tn);
    }

    public static ConfusionMatrix of(boolean[] predicted, boolean[] gold) {
        return count(gold.length, i -> predicted[i], i -> gold[i]);
    }

    public long total() {
        return tp + fp + fn + tn;
    }

    public Double accuracy() {
        return ratio(tp + tn, total());
    }

    public Double precision() {
        return ratio(tp, tp + fp);
    }

    public Double recall() {
        return ratio(tp, tp + fn);
    }

    /** F1 of the toxic class, 2TP / (2TP + FP + FN). */
    public Double f1() {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    /** F1 of the clean class, 2TN / (2TN + FP + FN). */
    public Double f1Clean() {
        return ratio(2 * tn, 2 * tn + fp + fn);
    }

    /** numerator / denominator, or null (undefined) when the denominator is 0: the one rule for every ratio. */
    public static Double ratio(double numerator, double denominator) {
        return denominator == 0 ? null : numerator / denominator;
    }
}
