package org.toxiscope.datasets;

/**
 * A deterministic stratified subset: {@code count} records or round(N * {@code fraction}), shared out over the
 * (language, label) strata in proportion and chosen within each by a seeded hash of the record id. Same seed, larger
 * subset: the smaller one is contained in it.
 */
public record Sampling(Long count, Double fraction, long seed) {

    public Sampling {
        if ((count == null) == (fraction == null)) {
            throw new IllegalArgumentException("give a sample size or a fraction, exactly one");
        }
        if (count != null && count < 0) {
            throw new IllegalArgumentException("sample size must be >= 0, got " + count);
        }
        if (fraction != null && !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0,1], got " + fraction);
        }
    }

    public static Sampling count(long n, long seed) {
        return new Sampling(n, null, seed);
    }

    public static Sampling fraction(double f, long seed) {
        return new Sampling(null, f, seed);
    }
}
