/**
 * Toxicity classification on pooled SAE features (Qwen-Scope report, section 5, and trained linear heads).
 *
 * <p>Flow: pooled vectors go into a {@link org.toxiscope.classify.FeatureTable} (or, for discovery over many layers,
 * straight into {@link org.toxiscope.classify.FiringCounts}); {@link org.toxiscope.classify.Discovery} gives the
 * {@link org.toxiscope.classify.DeltaTable}; {@link org.toxiscope.classify.ClassifierTrainer} fits a
 * {@link org.toxiscope.classify.FeatureRule} or {@link org.toxiscope.classify.LinearClassifier} per label into a
 * {@link org.toxiscope.classify.ClassifierBundle}, whose {@code predict} gives a
 * {@link org.toxiscope.classify.Prediction} with its {@code top_features} explanation.
 */
package org.toxiscope.classify;
