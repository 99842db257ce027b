package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.toxiscope.classify.DeltaTable;
import org.toxiscope.classify.Discovery;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.Thresholds;

/**
 * How language-specific the toxic features are: per layer, the Jaccard overlap of the top-K features discovered on
 * each language's discovery rows (Fig. 9a-c), and the transfer table (Fig. 9d-e): the top-K rule discovered on a
 * source language's rows, at that source's top1-diff layer, scored on each language's test rows, beside the rule
 * each target language gets from its own rows. Only languages whose discovery rows hold both classes are discovered.
 */
public final class LanguageStudy {

    /** Top-K features per language compared and used by the transfer rule, unless the caller says otherwise. */
    public static final int DEFAULT_K = 10;
    /** As the only source language: transfer from every discovered language. */
    public static final String ALL = "all";
    /** Row of the transfer table holding each target's rule discovered on its own rows. */
    public static final String OWN = "own language";

    private final int k;
    private final int[] layers;
    private final List<String> languages;
    private final Map<String, DeltaTable> deltas = new LinkedHashMap<>();
    private final double[][][] jaccard;
    private final List<String> sources;
    private final List<String> targets;
    private final double[][] transfer;
    private final Map<String, Integer> sourceLayer = new LinkedHashMap<>();
    private final Map<String, HeldOutRun> headline = new LinkedHashMap<>();

    private LanguageStudy(StudyData data, int k, List<String> requested) {
        this.k = k;
        this.layers = data.layers();
        this.languages = data.trainLanguages().stream().filter(data::discoverable).toList();
        if (languages.isEmpty()) {
            throw new IllegalArgumentException("no language of the discovery data has both toxic and clean rows");
        }
        List<String> sourceLanguages = requested.equals(List.of(ALL)) ? languages : requested;
        for (String lang : languages) {
            deltas.put(lang, Discovery.run(data.train(), data.trainLabel(), data.trainRows(lang)));
        }
        for (String s : sourceLanguages) {
            if (!deltas.containsKey(s)) {
                throw new IllegalArgumentException("source language '" + s + "' has no discovery rows with both "
                        + "classes (languages that do: " + languages + ")");
            }
        }
        this.jaccard = new double[layers.length][languages.size()][languages.size()];
        for (int li = 0; li < layers.length; li++) {
            for (int a = 0; a < languages.size(); a++) {
                for (int b = 0; b < languages.size(); b++) {
                    jaccard[li][a][b] = jaccard(top(languages.get(a), layers[li]), top(languages.get(b), layers[li]));
                }
            }
        }
        this.sources = new ArrayList<>(sourceLanguages);
        sources.add(OWN);
        this.targets = data.testLanguages();
        this.transfer = new double[sources.size()][targets.size()];
        Map<String, HeldOutRun> runs = new LinkedHashMap<>();
        for (String lang : languages) {
            DeltaTable d = deltas.get(lang);
            int layer = d.bestLayer();
            sourceLayer.put(lang, layer);
            if (d.layer(layer).size() > 0) {
                FeatureRule rule = FeatureRule.topK(d, layer, k);
                runs.put(lang, HeldOutRun.of(new LabelClassifier(data.labelName(), rule,
                        Thresholds.global(rule.defaultThreshold())), data));
            }
        }
        for (int s = 0; s < sources.size(); s++) {
            for (int t = 0; t < targets.size(); t++) {
                String from = OWN.equals(sources.get(s)) ? targets.get(t) : sources.get(s);
                HeldOutRun run = runs.get(from);
                transfer[s][t] = run == null ? Double.NaN : Figures.chartValue(run.f1(targets.get(t)));
            }
        }
        for (String s : sourceLanguages) {
            if (runs.containsKey(s)) {
                headline.put("rule top-" + k + ", layer " + sourceLayer.get(s) + ", discovered on " + s, runs.get(s));
            }
        }
    }

    /**
     * Runs the study; {@code sources} are the languages whose features are transferred (e.g. {@code [en]}, or
     * {@code [all]} for every discovered language).
     */
    public static LanguageStudy run(StudyData data, int k, List<String> sources) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("give at least one source language");
        }
        return new LanguageStudy(data, k, sources.stream().distinct().toList());
    }

    private int[] top(String lang, int layer) {
        return deltas.get(lang).layer(layer).top(k);
    }

    /** |A n B| / |A u B| of two sets of distinct features; NaN when both are empty. */
    static double jaccard(int[] a, int[] b) {
        Set<Integer> union = new HashSet<>();
        int common = 0;
        Set<Integer> inA = new HashSet<>();
        for (int f : a) {
            inA.add(f);
            union.add(f);
        }
        for (int f : b) {
            if (inA.contains(f)) {
                common++;
            }
            union.add(f);
        }
        return union.isEmpty() ? Double.NaN : (double) common / union.size();
    }

    public int k() {
        return k;
    }

    public int[] layers() {
        return layers.clone();
    }

    /** The languages discovered (both classes in their discovery rows), sorted. */
    public List<String> languages() {
        return languages;
    }

    /** Jaccard overlap at {@code layers()[li]} between {@code languages()} a and b. */
    public double jaccard(int li, int a, int b) {
        return jaccard[li][a][b];
    }

    /** The rows of the transfer table: the source languages, then {@link #OWN}. */
    public List<String> sources() {
        return List.copyOf(sources);
    }

    /** The columns of the transfer table: the test languages. */
    public List<String> targets() {
        return targets;
    }

    /** F1 on {@code targets()[t]} of the rule discovered on {@code sources()[s]}; NaN where undefined. */
    public double transfer(int s, int t) {
        return transfer[s][t];
    }

    /** The layer each discovered language's rule uses (its top1-diff layer). */
    public Map<String, Integer> sourceLayers() {
        return new LinkedHashMap<>(sourceLayer);
    }

    /** The transferred rules by name, for a full evaluation on every test row. */
    public Map<String, HeldOutRun> headline() {
        return new LinkedHashMap<>(headline);
    }

    /** Fig. 9a-c: one Jaccard heatmap per layer. */
    public List<Heatmap> jaccardCharts() {
        List<Heatmap> out = new ArrayList<>();
        for (int li = 0; li < layers.length; li++) {
            out.add(Figures.jaccard("Jaccard overlap of the top-" + k + " toxic features, layer " + layers[li],
                    languages, jaccard[li]));
        }
        return out;
    }

    /** Fig. 9d-e: the transfer table. */
    public Heatmap transferChart() {
        double[][] grid = new double[sources.size()][];
        for (int s = 0; s < grid.length; s++) {
            grid[s] = transfer[s].clone();
        }
        return Figures.transfer("F1 of the top-" + k + " rule discovered in one language, evaluated on each",
                sources, targets, grid);
    }

    /** The choices behind the figures, for the report's provenance. */
    public JsonObject summary() {
        JsonObject o = new JsonObject();
        o.addProperty("k", k);
        JsonObject layersUsed = new JsonObject();
        sourceLayer.forEach(layersUsed::addProperty);
        o.add("rule_layer_by_language", layersUsed);
        return o;
    }
}
