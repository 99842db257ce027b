package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.DeltaTable;
import org.toxiscope.classify.Discovery;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.Scorer;
import org.toxiscope.classify.Thresholds;

/**
 * Layer-wise held-out F1 of the report's rule (Fig. 8/10) and the gain of multi-layer composition (Fig. 11).
 * Features are discovered once on all discovery rows; for each layer and K the rule over that layer's top-K
 * features is scored on the test rows (NaN where no feature fires at the layer). Composition m = 2..maxCompose
 * ORs the top-1 feature of each of the m layers with the highest top1-diff; its per-language F1 is compared with
 * the best single layer's top-1 rule for that language (chosen on the test rows: the strongest single-layer baseline).
 */
public final class LayerStudy {

    /** The report's K values. */
    public static final int[] DEFAULT_KS = {1, 2, 5, 10};
    /** Composition goes up to this many layers (fewer when the table holds fewer). */
    public static final int DEFAULT_MAX_COMPOSE = 5;
    /** Category of the composition charts holding all test rows. */
    public static final String OVERALL = "overall";

    private final StudyData data;
    private final DeltaTable deltas;
    private final int[] layers;
    private final int[] ks;
    private final double[][] f1;
    private final List<String> categories;
    private final double[] bestSingleF1;
    private final int[] bestSingleLayer;
    private final int[] composeM;
    private final double[][] composedF1;
    private final Map<String, HeldOutRun> headline = new LinkedHashMap<>();

    private LayerStudy(StudyData data, int[] ks, int maxCompose) {
        this.data = data;
        this.deltas = Discovery.run(data.train(), data.trainLabel(), data.trainRows());
        this.layers = data.layers();
        if (Arrays.stream(layers).allMatch(l -> deltas.layer(l).size() == 0)) {
            throw new IllegalArgumentException("no SAE feature fires on the discovery data at layers "
                    + Arrays.toString(layers));
        }
        this.ks = ks.clone();
        this.f1 = new double[ks.length][layers.length];
        this.categories = new ArrayList<>();
        categories.add(OVERALL);
        categories.addAll(data.testLanguages());
        HeldOutRun[] single = new HeldOutRun[layers.length];
        for (int li = 0; li < layers.length; li++) {
            for (int ki = 0; ki < ks.length; ki++) {
                HeldOutRun run = runTopK(layers[li], ks[ki]);
                f1[ki][li] = run == null ? Double.NaN : Figures.chartValue(run.f1());
                if (ks[ki] == 1) {
                    single[li] = run;
                }
            }
            if (single[li] == null) {
                single[li] = runTopK(layers[li], 1);
            }
        }
        this.bestSingleF1 = new double[categories.size()];
        this.bestSingleLayer = new int[categories.size()];
        for (int c = 0; c < categories.size(); c++) {
            bestSingleF1[c] = Double.NaN;
            bestSingleLayer[c] = -1;
            for (int li = 0; li < layers.length; li++) {
                double v = single[li] == null ? Double.NaN : f1(single[li], categories.get(c));
                if (Double.isFinite(v) && !(v <= bestSingleF1[c])) {
                    bestSingleF1[c] = v;
                    bestSingleLayer[c] = layers[li];
                }
            }
        }
        int chosen = deltas.bestLayer();
        HeldOutRun heuristic = single[indexOf(chosen)];
        if (heuristic != null) {
            headline.put("rule top-1, layer " + chosen + " (top1-diff choice)", heuristic);
        }
        int[] best = bestCell();
        if (best != null && !(ks[best[0]] == 1 && layers[best[1]] == chosen)) {
            headline.put("rule top-" + ks[best[0]] + ", layer " + layers[best[1]] + " (best held-out F1)",
                    runTopK(layers[best[1]], ks[best[0]]));
        }
        int top = Math.min(maxCompose, layers.length);
        this.composeM = new int[Math.max(0, top - 1)];
        this.composedF1 = new double[composeM.length][];
        for (int i = 0; i < composeM.length; i++) {
            composeM[i] = i + 2;
            HeldOutRun run = run(FeatureRule.compose(deltas, composeM[i]));
            composedF1[i] = new double[categories.size()];
            for (int c = 0; c < categories.size(); c++) {
                composedF1[i][c] = f1(run, categories.get(c));
            }
            if (i == composeM.length - 1) {
                headline.put("rule top-1 of " + composeM[i] + " layers by top1-diff", run);
            }
        }
    }

    /** Runs the study: discovery on the discovery rows, then every layer and K, then composition. */
    public static LayerStudy run(StudyData data, int[] ks, int maxCompose) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("give at least one K");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("K must be at least 1, got " + k);
            }
        }
        if (maxCompose < 2) {
            throw new IllegalArgumentException("composition needs at least 2 layers, got " + maxCompose);
        }
        return new LayerStudy(data, ks, maxCompose);
    }

    /** The rule over the top-K features of one layer on the test rows; null when nothing fires there. */
    private HeldOutRun runTopK(int layer, int k) {
        if (deltas.layer(layer).size() == 0) {
            return null;
        }
        return run(FeatureRule.topK(deltas, layer, k));
    }

    private HeldOutRun run(Scorer rule) {
        return HeldOutRun.of(new LabelClassifier(data.labelName(), rule, Thresholds.global(rule.defaultThreshold())),
                data);
    }

    private static double f1(HeldOutRun run, String category) {
        return Figures.chartValue(run.f1(OVERALL.equals(category) ? null : category));
    }

    private int indexOf(int layer) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                return i;
            }
        }
        throw new IllegalArgumentException("layer " + layer + " is not studied");
    }

    /** [K index, layer index] of the largest held-out F1, smallest K then lowest layer on ties; null when none. */
    private int[] bestCell() {
        int[] best = null;
        for (int ki = 0; ki < ks.length; ki++) {
            for (int li = 0; li < layers.length; li++) {
                if (Double.isFinite(f1[ki][li]) && (best == null || f1[ki][li] > f1[best[0]][best[1]])) {
                    best = new int[] {ki, li};
                }
            }
        }
        return best;
    }

    public int[] layers() {
        return layers.clone();
    }

    public int[] ks() {
        return ks.clone();
    }

    /** Held-out F1 of the top-K rule at layers()[li] for ks()[ki]: {@code f1()[ki][li]}, NaN where nothing fires. */
    public double[][] f1() {
        double[][] out = new double[ks.length][];
        for (int i = 0; i < ks.length; i++) {
            out[i] = f1[i].clone();
        }
        return out;
    }

    /** The layer with the largest top1-diff on the discovery rows (the report's choice without evaluation). */
    public int top1DiffLayer() {
        return deltas.bestLayer();
    }

    public DeltaTable deltas() {
        return deltas;
    }

    /** {@link #OVERALL} then the test languages: the categories of the composition figures. */
    public List<String> categories() {
        return List.copyOf(categories);
    }

    /** Per category, the best single layer's top-1 F1 (NaN when no layer has a defined F1). */
    public double[] bestSingleF1() {
        return bestSingleF1.clone();
    }

    /** Per category, the layer giving {@link #bestSingleF1()} (-1 when none). */
    public int[] bestSingleLayer() {
        return bestSingleLayer.clone();
    }

    /** The composition sizes studied (2..min(maxCompose, layers); empty with one layer). */
    public int[] composeM() {
        return composeM.clone();
    }

    /** Per composition size and category, the composed rule's F1. */
    public double[][] composedF1() {
        double[][] out = new double[composeM.length][];
        for (int i = 0; i < composeM.length; i++) {
            out[i] = composedF1[i].clone();
        }
        return out;
    }

    /**
     * The classifiers worth a full evaluation, by name: the top-1 rule at the top1-diff layer, the best (K, layer)
     * cell when it differs, and the largest composition.
     */
    public Map<String, HeldOutRun> headline() {
        return new LinkedHashMap<>(headline);
    }

    /** Fig. 8/10: held-out F1 per layer, one series per K, best layer starred, top1-diff choice marked. */
    public LineChart layerChart() {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int ki = 0; ki < ks.length; ki++) {
            series.put("K=" + ks[ki], f1[ki]);
        }
        return Figures.layerF1("Held-out F1 of the top-K rule per layer", layers, series, top1DiffLayer());
    }

    /** The discovery rows' top1-diff per layer, the heuristic behind the marked layer. */
    public LineChart top1DiffChart() {
        double[] x = new double[layers.length];
        double[] y = new double[layers.length];
        for (int i = 0; i < layers.length; i++) {
            x[i] = layers[i];
            y[i] = deltas.top1Diff(layers[i]);
        }
        return new LineChart("top1-diff per layer (discovery data)", "layer", "max delta").integerX()
                .series("top1-diff", x, y);
    }

    /** Fig. 11: F1 gain of each composition size over the best single layer, per category; null with one layer. */
    public BarChart compositionGainChart() {
        if (composeM.length == 0) {
            return null;
        }
        BarChart chart = new BarChart("F1 gain of multi-layer composition over the best single layer",
                "F1 gain", categories);
        for (int i = 0; i < composeM.length; i++) {
            double[] gain = new double[categories.size()];
            for (int c = 0; c < gain.length; c++) {
                gain[c] = composedF1[i][c] - bestSingleF1[c];
            }
            chart.series("m=" + composeM[i], gain);
        }
        return chart;
    }

    /** The absolute F1 behind {@link #compositionGainChart()}; null with one layer. */
    public BarChart compositionF1Chart() {
        if (composeM.length == 0) {
            return null;
        }
        BarChart chart = new BarChart("Held-out F1: best single layer vs composition", "F1", categories)
                .yRange(0, 1).series("best single layer", bestSingleF1);
        for (int i = 0; i < composeM.length; i++) {
            chart.series("m=" + composeM[i], composedF1[i]);
        }
        return chart;
    }

    /** The choices behind the figures, for the report's provenance. */
    public JsonObject summary() {
        JsonObject o = new JsonObject();
        o.addProperty("discovery_rows", data.trainRows().length);
        o.addProperty("test_rows", data.testRows().length);
        o.addProperty("top1_diff_layer", top1DiffLayer());
        JsonObject perK = new JsonObject();
        for (int ki = 0; ki < ks.length; ki++) {
            int b = Figures.argmax(f1[ki]);
            perK.addProperty("K=" + ks[ki], b < 0 ? null : layers[b]);
        }
        o.add("best_layer_by_k", perK);
        JsonObject single = new JsonObject();
        for (int c = 0; c < categories.size(); c++) {
            single.addProperty(categories.get(c), bestSingleLayer[c] < 0 ? null : bestSingleLayer[c]);
        }
        o.add("best_single_layer_by_category", single);
        JsonArray composed = new JsonArray();
        List<Integer> ranked = deltas.layersByTop1Diff();
        for (int m : composeM) {
            JsonObject j = new JsonObject();
            j.addProperty("m", m);
            JsonArray ls = new JsonArray();
            ranked.subList(0, m).forEach(ls::add);
            j.add("layers", ls);
            composed.add(j);
        }
        o.add("compositions", composed);
        return o;
    }
}
