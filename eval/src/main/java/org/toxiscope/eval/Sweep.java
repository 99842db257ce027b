package org.toxiscope.eval;

/**
 * Cumulative counts at every distinct score threshold, highest first: at threshold t an example counts as toxic
 * when its score is >= t. Source of the ROC and PR curves and of the threshold analysis.
 */
final class Sweep {

    final double[] thresholds;
    final long[] tp;
    final long[] fp;
    final long positives;
    final long negatives;

    Sweep(ScoreOrder order) {
        int n = order.size();
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || order.score[i] != order.score[i - 1]) {
                distinct++;
            }
        }
        thresholds = new double[distinct];
        tp = new long[distinct];
        fp = new long[distinct];
        long t = 0;
        long f = 0;
        int m = 0;
        for (int i = n - 1, j; i >= 0; i = j) {
            for (j = i; j >= 0 && order.score[j] == order.score[i]; j--) {
                if (order.gold[j]) {
                    t++;
                } else {
                    f++;
                }
            }
            thresholds[m] = order.score[i];
            tp[m] = t;
            fp[m] = f;
            m++;
        }
        positives = t;
        negatives = f;
    }

    int size() {
        return thresholds.length;
    }

    /** ROC curve (false positive rate, true positive rate), null without both classes. */
    Curve roc(int maxPoints) {
        if (positives == 0 || negatives == 0) {
            return null;
        }
        int[] keep = keep(size(), maxPoints);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] th = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            x[k] = (double) fp[i] / negatives;
            y[k] = (double) tp[i] / positives;
            th[k] = thresholds[i];
        }
        return new Curve(x, y, th);
    }

    /** Precision-recall curve (recall, precision), null without positives. */
    Curve pr(int maxPoints) {
        if (positives == 0) {
            return null;
        }
        int[] keep = keep(size(), maxPoints);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] th = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            x[k] = (double) tp[i] / positives;
            y[k] = (double) tp[i] / (tp[i] + fp[i]);
            th[k] = thresholds[i];
        }
        return new Curve(x, y, th);
    }

    /** Indices of at most max evenly spaced points out of m, always the first and the last. */
    static int[] keep(int m, int max) {
        if (m <= max) {
            int[] all = new int[m];
            for (int i = 0; i < m; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[max];
        for (int k = 0; k < max; k++) {
            out[k] = (int) Math.round((double) k * (m - 1) / (max - 1));
        }
        return out;
    }
}
