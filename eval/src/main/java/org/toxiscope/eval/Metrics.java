package org.toxiscope.eval;

/** Computes {@link BinaryMetrics} from predictions; deterministic for a given {@link MetricsConfig}. */
public final class Metrics {

    private Metrics() {
    }

    /** All metrics of these predictions; never throws on empty or one-class input (the undefined parts are null). */
    public static BinaryMetrics compute(Predictions p, MetricsConfig config) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < p.size(); i++) {
            if (p.gold(i)) {
                if (p.predicted(i)) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (p.predicted(i)) {
                fp++;
            } else {
                tn++;
            }
        }
        ConfusionMatrix cm = new ConfusionMatrix(tp, fp, tn, fn);
        ScoreOrder order = new ScoreOrder(p);
        int[] unit = order.unitWeights();
        Sweep sweep = new Sweep(order);
        Bootstrap.Result ci = Bootstrap.run(order, config);
        Double f1 = ratio(2 * tp, 2 * tp + fp + fn);
        Double f1Clean = ratio(2 * tn, 2 * tn + fp + fn);
        return new BinaryMetrics(
                p.size(), tp + fn, tn + fp, cm,
                ratio(tp + tn, p.size()), ratio(tp, tp + fp), ratio(tp, tp + fn), f1, f1Clean,
                f1 == null || f1Clean == null ? null : (f1 + f1Clean) / 2,
                order.auroc(unit), order.averagePrecision(unit), ci.f1(), ci.auroc(),
                Calibration.scoresAreProbabilities(p), Calibration.of(p, config.calibrationBins()),
                ThresholdAnalysis.of(sweep, config.maxCurvePoints()),
                sweep.roc(config.maxCurvePoints()), sweep.pr(config.maxCurvePoints()));
    }

    private static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }
}
