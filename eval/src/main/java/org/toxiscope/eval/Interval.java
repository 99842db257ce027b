package org.toxiscope.eval;

/**
 * A percentile bootstrap confidence interval: its bounds, the level (e.g. 0.95), the number of resamples drawn and
 * how many of them had the metric defined (a resample without positives has no AUROC; those are left out).
 */
public record Interval(double low, double high, double level, int resamples, int defined) {
}
