package org.toxiscope.eval;

import org.toxiscope.classify.ConfusionMatrix;

/**
 * Every metric of one classifier on one set of examples (all of them, or one language), toxic being the positive
 * class. A metric whose denominator is zero is null (JSON null), never NaN or 0, the rule of {@link ConfusionMatrix}:
 * e.g. recall and AUROC without toxic examples, accuracy without examples. macroF1 is the mean of the toxic and clean F1 and null when either is.
 * calibration is null unless scoresAreProbabilities; thresholds is null without toxic examples; roc needs both
 * classes, pr needs toxic examples.
 */
public record BinaryMetrics(
        long n, long positives, long negatives, ConfusionMatrix confusion,
        Double accuracy, Double precision, Double recall, Double f1, Double f1Clean, Double macroF1,
        Double auroc, Double averagePrecision, Interval f1Ci, Interval aurocCi,
        boolean scoresAreProbabilities, Calibration calibration,
        ThresholdAnalysis thresholds, Curve roc, Curve pr) {
}
