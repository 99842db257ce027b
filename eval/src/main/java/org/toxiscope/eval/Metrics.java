package org.toxiscope.eval;

import org.toxiscope.classify.ConfusionMatrix;

/** Computes {@link BinaryMetrics} from predictions; deterministic for a given {@link MetricsConfig}. */
public final class Metrics {

    private Metrics() {
    }

    /** All metrics of these predictions; never throws on empty or one-class input (the undefined parts are null). */
    public static BinaryMetrics compute(Predictions p, MetricsConfig config) {
        ConfusionMatrix cm = ConfusionMatrix.count(p.size(), p::predicted, p::gold);
        ScoreOrder order = new ScoreOrder(p);
        int[] unit = order.unitWeights();
        Sweep sweep = new Sweep(order);
        Bootstrap.Result ci = Bootstrap.run(order, config);
        Double f1 = cm.f1();
        Double f1Clean = cm.f1Clean();
        return new BinaryMetrics(
                p.size(), cm.tp() + cm.fn(), cm.tn() + cm.fp(), cm,
                cm.accuracy(), cm.precision(), cm.recall(), f1, f1Clean,
                f1 == null || f1Clean == null ? null : (f1 + f1Clean) / 2,
                order.auroc(unit), order.averagePrecision(unit), ci.f1(), ci.auroc(),
                Calibration.scoresAreProbabilities(p), Calibration.of(p, config.calibrationBins()),
                ThresholdAnalysis.of(sweep, config.maxCurvePoints()),
                sweep.roc(config.maxCurvePoints()), sweep.pr(config.maxCurvePoints()));
    }
}
