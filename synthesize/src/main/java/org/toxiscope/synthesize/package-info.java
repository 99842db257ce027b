/**
 * Safety-data synthesis aimed at the SAE features a seed corpus never reaches (Qwen-Scope report, section 6).
 *
 * <p>Flow: a {@link org.toxiscope.synthesize.TargetInventory} lists the {@link org.toxiscope.synthesize.Target}s;
 * {@link org.toxiscope.synthesize.FiringSets} records which examples of a corpus fire each one, from which
 * {@link org.toxiscope.synthesize.Coverage} (covered, missing {@code T_miss}, weakly covered, {@code Cov(D)}) and the
 * natural-sampling {@link org.toxiscope.synthesize.SamplingCurve} follow; a
 * {@link org.toxiscope.synthesize.FeatureExplainer} gives each target's token signature (logit lens of its decoder
 * direction) and top-activating contexts; a {@link org.toxiscope.synthesize.CandidateSource} (steered continuation or
 * described request) proposes examples, the {@link org.toxiscope.synthesize.Verifier} keeps those that fire their
 * target and labels them with the classifier, and the {@link org.toxiscope.synthesize.Synthesizer} writes the kept
 * records resumably; {@link org.toxiscope.synthesize.SynthesisReport} compares the coverage reached.
 */
package org.toxiscope.synthesize;
