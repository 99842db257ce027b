package org.toxiscope.eval;

import org.toxiscope.classify.ConfusionMatrix;

/**
 * Predictions sorted by ascending score, with the weighted statistics that need that order (AUROC, average
 * precision) or none (F1). Weights are per sorted position; a bootstrap resample is a vector of draw counts.
 */
final class ScoreOrder {

    final double[] score;
    final boolean[] gold;
    final boolean[] predicted;

    ScoreOrder(Predictions p) {
        int n = p.size();
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            raw[i] = p.score(i);
        }
        int[] order = argsort(raw);
        score = new double[n];
        gold = new boolean[n];
        predicted = new boolean[n];
        for (int k = 0; k < n; k++) {
            score[k] = raw[order[k]];
            gold[k] = p.gold(order[k]);
            predicted[k] = p.predicted(order[k]);
        }
    }

    int size() {
        return score.length;
    }

    /** Weight vector giving every example weight 1. */
    int[] unitWeights() {
        int[] w = new int[size()];
        java.util.Arrays.fill(w, 1);
        return w;
    }

    /**
     * Mann-Whitney AUROC: the chance a random toxic example scores above a random clean one, ties counting 1/2;
     * null without both classes.
     */
    Double auroc(int[] w) {
        double pairs = 0;
        double negBelow = 0;
        double pos = 0;
        int n = size();
        for (int i = 0, j; i < n; i = j) {
            double wp = 0;
            double wn = 0;
            for (j = i; j < n && score[j] == score[i]; j++) {
                if (gold[j]) {
                    wp += w[j];
                } else {
                    wn += w[j];
                }
            }
            pairs += wp * (negBelow + 0.5 * wn);
            negBelow += wn;
            pos += wp;
        }
        return pos == 0 || negBelow == 0 ? null : pairs / (pos * negBelow);
    }

    /**
     * Average precision as scikit-learn defines it: sum over distinct thresholds, from the highest down, of
     * precision times the gain in recall; examples with equal scores enter together. Null without positives.
     */
    Double averagePrecision(int[] w) {
        double positives = 0;
        for (int k = 0; k < size(); k++) {
            if (gold[k]) {
                positives += w[k];
            }
        }
        if (positives == 0) {
            return null;
        }
        double tp = 0;
        double fp = 0;
        double ap = 0;
        double prevRecall = 0;
        for (int i = size() - 1, j; i >= 0; i = j) {
            for (j = i; j >= 0 && score[j] == score[i]; j--) {
                if (gold[j]) {
                    tp += w[j];
                } else {
                    fp += w[j];
                }
            }
            double recall = tp / positives;
            if (recall > prevRecall) {
                ap += (recall - prevRecall) * tp / (tp + fp);
                prevRecall = recall;
            }
        }
        return ap;
    }

    /** F1 of the toxic class for the hard decisions, 2TP / (2TP + FP + FN); null when that is 0/0. */
    Double f1(int[] w) {
        double tp = 0;
        double wrong = 0;
        for (int k = 0; k < size(); k++) {
            if (gold[k] && predicted[k]) {
                tp += w[k];
            } else if (gold[k] != predicted[k]) {
                wrong += w[k];
            }
        }
        double denominator = 2 * tp + wrong;
        return ConfusionMatrix.ratio(2 * tp, denominator);
    }

    /** Indices that sort values ascending (stable merge sort on primitives, no boxing). */
    static int[] argsort(double[] values) {
        int n = values.length;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int a = lo;
                int b = mid;
                int k = lo;
                while (a < mid && b < hi) {
                    tmp[k++] = values[idx[b]] < values[idx[a]] ? idx[b++] : idx[a++];
                }
                while (a < mid) {
                    tmp[k++] = idx[a++];
                }
                while (b < hi) {
                    tmp[k++] = idx[b++];
                }
                System.arraycopy(tmp, lo, idx, lo, hi - lo);
            }
        }
        return idx;
    }
}
