package org.toxiscope.classify;

import java.util.Map;

/**
 * The outcome of training: the bundle, each label's delta table, and validation metrics per label (overall and
 * by language; empty when nothing was held out), with the number of rows used for discovery and validation.
 */
public record TrainResult(ClassifierBundle bundle, Map<String, DeltaTable> deltas, Map<String, ConfusionMatrix> validation,
                          Map<String, Map<String, ConfusionMatrix>> validationByLanguage, int discoveryRows,
                          int validationRows) {
}
