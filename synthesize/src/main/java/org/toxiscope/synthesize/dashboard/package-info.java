/**
 * Feature dashboards, as Neuronpedia shows features: a static, self-contained site (HTML and inline SVG, no scripts,
 * no external references) with an index of the features and one page per feature.
 *
 * <p>Flow: {@link org.toxiscope.synthesize.dashboard.DashboardRun} streams the corpus once through one
 * {@link org.toxiscope.classify.CorpusPass} into {@link org.toxiscope.synthesize.dashboard.ActivationStats} (density
 * and per-text maxima) and the {@link org.toxiscope.synthesize.FeatureExplainer} (top contexts with every token's
 * activation, logit lens), reads a sample with the Query Lens, generates steering previews, and hands each
 * {@link org.toxiscope.synthesize.dashboard.FeatureDashboard} to {@link org.toxiscope.synthesize.dashboard.DashboardSite},
 * which renders and writes the pages.
 */
package org.toxiscope.synthesize.dashboard;
