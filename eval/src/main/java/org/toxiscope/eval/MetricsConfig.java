package org.toxiscope.eval;

/**
 * Settings of a metrics computation: bootstrap resamples and seed, confidence level of the intervals, number of
 * equal-width reliability bins over [0,1], and the most points kept per curve in the report (the best threshold
 * is always searched over every distinct score).
 */
public record MetricsConfig(int bootstrapResamples, long seed, double confidence, int calibrationBins,
                            int maxCurvePoints) {

    /** 1000 resamples, seed 42, 95%, 10 bins, 200 points per curve. */
    public static final MetricsConfig DEFAULT = new MetricsConfig(1000, 42L, 0.95, 10, 200);

    public MetricsConfig {
        if (bootstrapResamples < 0) {
            throw new IllegalArgumentException("bootstrap resamples must be >= 0, got " + bootstrapResamples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0,1), got " + confidence);
        }
        if (calibrationBins < 1) {
            throw new IllegalArgumentException("calibration bins must be >= 1, got " + calibrationBins);
        }
        if (maxCurvePoints < 2) {
            throw new IllegalArgumentException("max curve points must be >= 2, got " + maxCurvePoints);
        }
    }
}
