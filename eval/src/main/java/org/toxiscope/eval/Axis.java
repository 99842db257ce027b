package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps data values to pixels along one axis, linear or base-10 logarithmic, with readable tick positions; an
 * integer axis (layers, counts) ticks at whole numbers only.
 */
final class Axis {

    final double min;
    final double max;
    final boolean log;
    private final boolean integer;
    private final double p0;
    private final double p1;

    private Axis(double min, double max, boolean log, boolean integer, double p0, double p1) {
        this.min = min;
        this.max = max;
        this.log = log;
        this.integer = integer;
        this.p0 = p0;
        this.p1 = p1;
    }

    /**
     * An axis over [lo, hi] mapped to pixels [p0, p1]; a linear axis with unset bounds (NaN) gets them from the
     * data extent rounded outwards to ticks; a log axis needs positive values.
     */
    static Axis of(double lo, double hi, double dataLo, double dataHi, boolean log, double p0, double p1) {
        return of(lo, hi, dataLo, dataHi, log, false, p0, p1);
    }

    /** As {@link #of(double, double, double, double, boolean, double, double)}, ticking at integers when asked. */
    static Axis of(double lo, double hi, double dataLo, double dataHi, boolean log, boolean integer, double p0,
                   double p1) {
        double a = Double.isNaN(lo) ? dataLo : lo;
        double b = Double.isNaN(hi) ? dataHi : hi;
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            a = 0;
            b = 1;
        }
        if (log) {
            a = Math.max(a, 1e-12);
            b = Math.max(b, a * 10);
            return new Axis(Double.isNaN(lo) ? Math.pow(10, Math.floor(Math.log10(a))) : a,
                    Double.isNaN(hi) ? Math.pow(10, Math.ceil(Math.log10(b))) : b, true, integer, p0, p1);
        }
        if (a == b) {
            a -= 0.5;
            b += 0.5;
        }
        double step = step(b - a, integer);
        return new Axis(Double.isNaN(lo) ? Math.floor(a / step) * step : a,
                Double.isNaN(hi) ? Math.ceil(b / step) * step : b, false, integer, p0, p1);
    }

    double map(double v) {
        double t = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                : (v - min) / (max - min);
        return p0 + t * (p1 - p0);
    }

    /** Tick values inside [min, max]: multiples of 1, 2 or 5 times a power of ten. */
    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        if (log) {
            for (double decade = Math.pow(10, Math.floor(Math.log10(min))); decade <= max * 1.0001; decade *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double v = decade * m;
                    if (v >= min * 0.9999 && v <= max * 1.0001 && (!integer || v >= 1)) {
                        out.add(v);
                    }
                }
            }
            return out;
        }
        double step = step(max - min, integer);
        for (double v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return out;
    }

    /** The tick step: {@link #niceStep}, at least 1 on an integer axis (whose steps are then whole numbers). */
    private static double step(double range, boolean integer) {
        return integer ? Math.max(1, niceStep(range)) : niceStep(range);
    }

    /** A step of 1, 2 or 5 times a power of ten giving about five intervals over the range. */
    private static double niceStep(double range) {
        double raw = range / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * magnitude;
    }
}
