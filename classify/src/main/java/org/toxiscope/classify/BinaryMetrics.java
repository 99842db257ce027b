package org.toxiscope.classify;

/** Confusion counts of binary decisions against the truth, with precision, recall, F1 and accuracy (0 when undefined). */
public record BinaryMetrics(int tp, int fp, int fn, int tn) {

    public static BinaryMetrics of(boolean[] predicted, boolean[] truth) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i]) {
                if (truth[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (truth[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, fn, tn);
    }

    public int total() {
        return tp + fp + fn + tn;
    }

    public double precision() {
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    public double f1() {
        return 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }

    public double accuracy() {
        return total() == 0 ? 0 : (double) (tp + tn) / total();
    }
}
