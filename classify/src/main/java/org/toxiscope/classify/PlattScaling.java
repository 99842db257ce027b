package org.toxiscope.classify;

/**
 * The map of a scorer's raw score into a probability-like score in [0, 1]: {@code 1 / (1 + exp(-(slope * x +
 * intercept)))} with x the raw score on its log-odds scale ({@link Scorer#logOdds}); strictly increasing
 * ({@code slope > 0}), so it keeps every ranking and decision. {@code fittedOn} is the number of validation rows
 * it was fitted on (Platt scaling), 0 for the method's fixed squash.
 */
public record PlattScaling(double slope, double intercept, long fittedOn) {

    /** Raw log-odds past this magnitude are clamped while fitting, so a saturated score cannot make the fit NaN. */
    private static final double FIT_CLAMP = 1e3;

    public PlattScaling {
        if (!(slope > 0) || !Double.isFinite(slope) || !Double.isFinite(intercept)) {
            throw new IllegalArgumentException("a Platt scaling needs a finite slope > 0 and a finite intercept, got "
                    + "slope " + slope + ", intercept " + intercept);
        }
        if (fittedOn < 0) {
            throw new IllegalArgumentException("fitted_on must be >= 0, got " + fittedOn);
        }
    }

    /** The score of raw log-odds {@code x}. */
    public double apply(double x) {
        double z = slope * x + intercept;
        // the two forms keep the result from overflowing to NaN at either end
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /**
     * Platt's fit of {@code truth} on raw log-odds {@code x}, with his smoothed targets so that separable data still
     * gives a finite fit (Lin, Lin and Weng's Newton iteration with backtracking); {@code fallback} when the rows
     * hold one class only or the fit is not increasing (raw scores that rank the validation rows backwards).
     */
    public static PlattScaling fit(double[] x, boolean[] truth, PlattScaling fallback) {
        int n = x.length;
        int positives = 0;
        for (boolean t : truth) {
            if (t) {
                positives++;
            }
        }
        int negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return fallback;
        }
        double hi = (positives + 1.0) / (positives + 2.0);
        double lo = 1.0 / (negatives + 2.0);
        double[] f = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = Math.max(-FIT_CLAMP, Math.min(FIT_CLAMP, x[i]));
            t[i] = truth[i] ? hi : lo;
        }
        // Platt's parameterisation: P(toxic | f) = 1 / (1 + exp(a * f + b)), so a < 0 for an increasing map
        double a = 0;
        double b = Math.log((negatives + 1.0) / (positives + 1.0));
        double value = loss(f, t, a, b);
        for (int iter = 0; iter < 100; iter++) {
            double h11 = 1e-12;
            double h22 = 1e-12;
            double h21 = 0;
            double g1 = 0;
            double g2 = 0;
            for (int i = 0; i < n; i++) {
                double z = f[i] * a + b;
                double p;
                double q;
                if (z >= 0) {
                    p = Math.exp(-z) / (1 + Math.exp(-z));
                    q = 1 / (1 + Math.exp(-z));
                } else {
                    p = 1 / (1 + Math.exp(z));
                    q = Math.exp(z) / (1 + Math.exp(z));
                }
                double d2 = p * q;
                h11 += f[i] * f[i] * d2;
                h22 += d2;
                h21 += f[i] * d2;
                double d1 = t[i] - p;
                g1 += f[i] * d1;
                g2 += d1;
            }
            if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) {
                break;
            }
            double det = h11 * h22 - h21 * h21;
            double da = -(h22 * g1 - h21 * g2) / det;
            double db = -(-h21 * g1 + h11 * g2) / det;
            double gd = g1 * da + g2 * db;
            double step = 1;
            while (step >= 1e-10) {
                double na = a + step * da;
                double nb = b + step * db;
                double nv = loss(f, t, na, nb);
                if (nv < value + 1e-4 * step * gd) {
                    a = na;
                    b = nb;
                    value = nv;
                    break;
                }
                step /= 2;
            }
            if (step < 1e-10) {
                break;
            }
        }
        if (!(-a > 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
            return fallback;
        }
        return new PlattScaling(-a, -b, n);
    }

    /** The cross-entropy of targets {@code t} under Platt's parameters, computed without overflow. */
    private static double loss(double[] f, double[] t, double a, double b) {
        double sum = 0;
        for (int i = 0; i < f.length; i++) {
            double z = f[i] * a + b;
            sum += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
        }
        return sum;
    }
}
