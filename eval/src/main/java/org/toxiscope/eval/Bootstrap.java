package org.toxiscope.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap of F1 and AUROC: each resample draws n examples with replacement (the same resample
 * serves both metrics); the bounds are the (1-level)/2 and (1+level)/2 quantiles of the resamples where the metric
 * is defined, with linear interpolation between order statistics. Same seed and data, same interval.
 */
final class Bootstrap {

    /** Both intervals of one bootstrap run; an interval is null when no resample had the metric defined. */
    record Result(Interval f1, Interval auroc) {
    }

    private Bootstrap() {
    }

    static Result run(ScoreOrder order, MetricsConfig config) {
        int n = order.size();
        int resamples = config.bootstrapResamples();
        if (n == 0 || resamples == 0) {
            return new Result(null, null);
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] f1s = new double[resamples];
        double[] aurocs = new double[resamples];
        int definedF1 = 0;
        int definedAuroc = 0;
        int[] weights = new int[n];
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(weights, 0);
            for (int k = 0; k < n; k++) {
                weights[random.nextInt(n)]++;
            }
            Double f1 = order.f1(weights);
            if (f1 != null) {
                f1s[definedF1++] = f1;
            }
            Double auroc = order.auroc(weights);
            if (auroc != null) {
                aurocs[definedAuroc++] = auroc;
            }
        }
        return new Result(interval(f1s, definedF1, resamples, config.confidence()),
                interval(aurocs, definedAuroc, resamples, config.confidence()));
    }

    private static Interval interval(double[] values, int defined, int resamples, double level) {
        if (defined == 0) {
            return null;
        }
        double[] sorted = Arrays.copyOf(values, defined);
        Arrays.sort(sorted);
        double alpha = 1 - level;
        return new Interval(quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2), level, resamples, defined);
    }

    /** Quantile q of sorted values, interpolating linearly between neighbours (numpy's default "linear"). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
