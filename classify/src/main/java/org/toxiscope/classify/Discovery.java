package org.toxiscope.classify;

import java.util.Arrays;

/**
 * The report's feature discovery: a feature fires on an example when its max-pooled activation exceeds
 * {@link #EPS}, and its toxic bias at a layer is {@code P(fires | toxic) - P(fires | clean)} over the discovery rows.
 * For corpora too large for a feature table, stream rows into {@link FiringCounts} instead.
 */
public final class Discovery {

    /** Firing threshold on the pooled activation (the report's eps). */
    public static final float EPS = 0f;

    private Discovery() {
    }

    /** The delta table over all labelled rows for label column {@code label}. */
    public static DeltaTable run(FeatureTable table, int label) {
        return run(table, label, 1.0, 0);
    }

    /** The delta table over a stratified {@code fraction} of the labelled rows (see {@link StratifiedSample}). */
    public static DeltaTable run(FeatureTable table, int label, double fraction, long seed) {
        int[] all = new int[table.size()];
        Arrays.setAll(all, i -> i);
        return run(table, label, StratifiedSample.sample(table, label, all, fraction, seed));
    }

    /** The delta table over exactly {@code rows}; each must be labelled, with both classes present. */
    public static DeltaTable run(FeatureTable table, int label, int[] rows) {
        FiringCounts counts = new FiringCounts(table.layers());
        for (int row : rows) {
            counts.add(table.label(label, row), table, row);
        }
        return counts.deltas(table.labelNames().get(label));
    }
}
