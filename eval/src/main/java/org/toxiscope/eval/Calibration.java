package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Reliability bins and expected calibration error, ECE = sum over bins of (count / n) * |observed rate - mean score|.
 * Only computed when every score lies in [0,1], i.e. the scores can be read as probabilities.
 */
public record Calibration(List<ReliabilityBin> bins, double ece) {

    /** Calibration of these predictions, or null when there are none or a score lies outside [0,1]. */
    static Calibration of(Predictions p, int binCount) {
        int n = p.size();
        if (n == 0 || !scoresAreProbabilities(p)) {
            return null;
        }
        long[] count = new long[binCount];
        double[] scoreSum = new double[binCount];
        long[] toxic = new long[binCount];
        for (int i = 0; i < n; i++) {
            double s = p.score(i);
            int b = Math.min(binCount - 1, (int) Math.floor(s * binCount));
            count[b]++;
            scoreSum[b] += s;
            if (p.gold(i)) {
                toxic[b]++;
            }
        }
        List<ReliabilityBin> bins = new ArrayList<>(binCount);
        double ece = 0;
        for (int b = 0; b < binCount; b++) {
            if (count[b] == 0) {
                bins.add(new ReliabilityBin((double) b / binCount, (double) (b + 1) / binCount, 0, null, null));
                continue;
            }
            double mean = scoreSum[b] / count[b];
            double observed = (double) toxic[b] / count[b];
            ece += (double) count[b] / n * Math.abs(observed - mean);
            bins.add(new ReliabilityBin((double) b / binCount, (double) (b + 1) / binCount, count[b], mean, observed));
        }
        return new Calibration(List.copyOf(bins), ece);
    }

    /** True when every score lies in [0,1] (vacuously true for no predictions). */
    static boolean scoresAreProbabilities(Predictions p) {
        for (int i = 0; i < p.size(); i++) {
            if (p.score(i) < 0 || p.score(i) > 1) {
                return false;
            }
        }
        return true;
    }
}
