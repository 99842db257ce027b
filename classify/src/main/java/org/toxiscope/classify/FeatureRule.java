package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The report's rule classifier: an example is positive when any selected (layer, feature) fires on it, i.e. its
 * max-pooled activation exceeds {@link Discovery#EPS}. The score is the number of selected features that fire, so
 * the default threshold 0.5 is the OR rule; no weights are learned.
 */
public final class FeatureRule implements Scorer {

    private final List<FeatureRef> features;
    private final int[] layers;
    private final int[][] selected;

    /** A rule over {@code features} (at least one; duplicates are merged). */
    public FeatureRule(List<FeatureRef> features) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a feature rule needs at least one feature");
        }
        TreeMap<Integer, int[]> byLayer = new TreeMap<>();
        for (FeatureRef f : features) {
            byLayer.merge(f.layer(), new int[] {f.feature()}, (a, b) -> {
                int[] c = Arrays.copyOf(a, a.length + 1);
                c[a.length] = b[0];
                return c;
            });
        }
        this.layers = byLayer.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.selected = new int[layers.length][];
        List<FeatureRef> merged = new ArrayList<>();
        for (int s = 0; s < layers.length; s++) {
            selected[s] = Arrays.stream(byLayer.get(layers[s])).sorted().distinct().toArray();
            for (int f : selected[s]) {
                merged.add(new FeatureRef(layers[s], f));
            }
        }
        this.features = List.copyOf(merged);
    }

    /** The {@code k} features of {@code layer} with the largest delta. */
    public static FeatureRule topK(DeltaTable deltas, int layer, int k) {
        return topKEach(deltas, List.of(layer), k);
    }

    /** The {@code k} features with the largest delta at each of {@code layers}. */
    public static FeatureRule topKEach(DeltaTable deltas, List<Integer> layers, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("the number of features per layer must be at least 1, got " + k);
        }
        List<FeatureRef> out = new ArrayList<>();
        for (int layer : layers) {
            for (int f : deltas.layer(layer).top(k)) {
                out.add(new FeatureRef(layer, f));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no feature fires on the discovery data at layers " + layers);
        }
        return new FeatureRule(out);
    }

    /** The report's multi-layer composition: the single best feature of each of the {@code m} layers with the highest top1-diff. */
    public static FeatureRule compose(DeltaTable deltas, int m) {
        List<Integer> ranked = deltas.layersByTop1Diff();
        if (m < 1 || m > ranked.size()) {
            throw new IllegalArgumentException("cannot compose " + m + " layers out of " + ranked.size());
        }
        return topKEach(deltas, ranked.subList(0, m), 1);
    }

    /** The selected features, by layer then feature. */
    @Override
    public List<FeatureRef> features() {
        return features;
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public double score(FeatureTable table, int row) {
        int[] fired = {0};
        for (int s = 0; s < layers.length; s++) {
            float[] val = table.values(layers[s]);
            RowJoin.join(table, layers[s], row, selected[s], (w, e) -> {
                if (val[e] > Discovery.EPS) {
                    fired[0]++;
                }
            });
        }
        return fired[0];
    }

    @Override
    public double defaultThreshold() {
        return 0.5;
    }

    /** {@code 1 / (1 + exp(-4 (n - 0.5)))} of n fired features: 0.12 for none, 0.88 for one, 0.998 for two. */
    @Override
    public PlattScaling defaultScaling() {
        return new PlattScaling(4, -2, 0);
    }

    @Override
    public List<Contribution> explain(FeatureTable table, int row, int max) {
        List<Contribution> out = new ArrayList<>();
        for (int s = 0; s < layers.length; s++) {
            int layer = layers[s];
            int[] want = selected[s];
            float[] val = table.values(layer);
            int[] pos = table.positions(layer);
            RowJoin.join(table, layer, row, want, (w, e) -> {
                if (val[e] > Discovery.EPS) {
                    out.add(new Contribution(layer, want[w], pos[e], val[e], val[e]));
                }
            });
        }
        return Contribution.top(out, max);
    }
}
