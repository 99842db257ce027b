package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * F1, precision and recall across thresholds (at most maxCurvePoints of the distinct scores, evenly spaced) and the
 * best-F1 threshold searched over every distinct score; on equal F1 the highest threshold wins.
 */
public record ThresholdAnalysis(int distinctThresholds, ThresholdPoint best, List<ThresholdPoint> curve) {

    /** The analysis of a sweep, or null when there is no toxic example (F1 is then 0 or undefined everywhere). */
    static ThresholdAnalysis of(Sweep sweep, int maxPoints) {
        if (sweep.positives == 0) {
            return null;
        }
        ThresholdPoint best = null;
        for (int i = 0; i < sweep.size(); i++) {
            ThresholdPoint p = point(sweep, i);
            if (best == null || p.f1() > best.f1()) {
                best = p;
            }
        }
        List<ThresholdPoint> curve = new ArrayList<>();
        for (int i : Sweep.keep(sweep.size(), maxPoints)) {
            curve.add(point(sweep, i));
        }
        return new ThresholdAnalysis(sweep.size(), best, List.copyOf(curve));
    }

    private static ThresholdPoint point(Sweep s, int i) {
        double tp = s.tp[i];
        double predictedToxic = tp + s.fp[i];
        return new ThresholdPoint(s.thresholds[i], tp / predictedToxic, tp / s.positives,
                2 * tp / (predictedToxic + s.positives));
    }
}
