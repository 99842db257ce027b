package org.toxiscope.classify;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains a classifier bundle from a feature table: a stratified validation hold-out, discovery on (a fraction of)
 * the rest, the layer and feature choice, the rule or a Tribuo model per label column, thresholds, the Platt scaling
 * of the raw score (fitted on the validation rows, like the thresholds), and metrics.
 */
public final class ClassifierTrainer {

    private ClassifierTrainer() {
    }

    /**
     * Trains one classifier per label column of {@code table} (the split is stratified on the first column).
     * {@code extraction}, {@code dataSha256} and {@code version} go into the bundle's provenance.
     */
    public static TrainResult train(FeatureTable table, TrainConfig cfg, ExtractionProvenance extraction,
                                    String dataSha256, String version) {
        if (table.labelNames().isEmpty()) {
            throw new IllegalArgumentException("training needs at least one label column");
        }
        StratifiedSample.Split split = StratifiedSample.split(table, 0, cfg.validationFraction(), cfg.seed());
        int[] discovery = StratifiedSample.sample(table, 0, split.fit(), cfg.discoveryFraction(), cfg.seed());
        List<LabelClassifier> classifiers = new ArrayList<>();
        Map<String, DeltaTable> deltas = new LinkedHashMap<>();
        Map<String, ConfusionMatrix> metrics = new LinkedHashMap<>();
        Map<String, Map<String, ConfusionMatrix>> byLanguage = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Integer>>> counts = new TreeMap<>();
        for (int label = 0; label < table.labelNames().size(); label++) {
            String name = table.labelNames().get(label);
            int[] fit = labelled(table, label, discovery);
            DeltaTable delta = Discovery.run(table, label, fit);
            Scorer scorer = fitScorer(table, label, fit, delta, cfg);
            int[] val = labelled(table, label, split.holdout());
            double global = scorer.defaultThreshold();
            Thresholds thresholds = Thresholds.global(global);
            PlattScaling scaling = scorer.defaultScaling();
            if (val.length > 0) {
                double[] scores = new double[val.length];
                boolean[] truth = new boolean[val.length];
                String[] langs = new String[val.length];
                for (int i = 0; i < val.length; i++) {
                    scores[i] = scorer.score(table, val[i]);
                    truth[i] = table.label(label, val[i]);
                    langs[i] = table.lang(val[i]);
                }
                if (cfg.perLanguageThresholds()) {
                    thresholds = ThresholdTuner.perLanguage(scores, truth, langs, global, ThresholdTuner.DEFAULT_MIN_ROWS);
                }
                boolean[] predicted = new boolean[val.length];
                for (int i = 0; i < val.length; i++) {
                    predicted[i] = scores[i] >= thresholds.of(langs[i]);
                }
                double[] logOdds = Arrays.stream(scores).map(scorer::logOdds).toArray();
                scaling = PlattScaling.fit(logOdds, truth, scaling);
                metrics.put(name, ConfusionMatrix.of(predicted, truth));
                byLanguage.put(name, metricsByLanguage(predicted, truth, langs));
            }
            classifiers.add(new LabelClassifier(name, scorer, thresholds, scaling));
            deltas.put(name, delta);
            counts.put(name, table.counts(label));
        }
        Provenance provenance = new Provenance(extraction, dataSha256, counts, cfg.discoveryFraction(), cfg.seed(),
                settings(cfg, discovery.length, split.holdout().length), version, OffsetDateTime.now().toString());
        ClassifierBundle bundle = new ClassifierBundle(cfg.method(), classifiers, provenance, metrics);
        return new TrainResult(bundle, deltas, metrics, byLanguage, discovery.length, split.holdout().length);
    }

    /** The layers a config uses, by the delta table of the label being trained. */
    static List<Integer> chooseLayers(DeltaTable delta, TrainConfig cfg) {
        List<Integer> ranked = delta.layersByTop1Diff();
        if (cfg.compose() > 0) {
            if (cfg.compose() > ranked.size()) {
                throw new IllegalArgumentException("--compose " + cfg.compose() + " needs that many layers; the features "
                        + "hold " + ranked.size());
            }
            return ranked.subList(0, cfg.compose());
        }
        return cfg.layerChoice() == TrainConfig.LayerChoice.BEST ? List.of(ranked.get(0)) : delta.layers();
    }

    private static Scorer fitScorer(FeatureTable table, int label, int[] fit, DeltaTable delta, TrainConfig cfg) {
        List<Integer> layers = chooseLayers(delta, cfg);
        if (cfg.method() == Method.RULE) {
            return cfg.compose() > 0 ? FeatureRule.compose(delta, cfg.compose())
                    : FeatureRule.topKEach(delta, layers, cfg.topFeatures());
        }
        Map<Integer, int[]> features;
        if (cfg.topFeatures() > 0) {
            features = LinearClassifier.topByDelta(delta, layers, cfg.topFeatures());
        } else {
            features = new TreeMap<>();
            for (int layer : layers) {
                features.put(layer, null);
            }
        }
        return LinearClassifier.train(table, label, fit, features, cfg.linear());
    }

    private static int[] labelled(FeatureTable table, int label, int[] rows) {
        return Arrays.stream(rows).filter(r -> table.labelled(label, r)).toArray();
    }

    private static Map<String, ConfusionMatrix> metricsByLanguage(boolean[] predicted, boolean[] truth, String[] langs) {
        Map<String, List<Integer>> rows = new TreeMap<>();
        for (int i = 0; i < langs.length; i++) {
            rows.computeIfAbsent(langs[i] == null ? "unknown" : langs[i], l -> new ArrayList<>()).add(i);
        }
        Map<String, ConfusionMatrix> out = new TreeMap<>();
        rows.forEach((lang, idx) -> {
            boolean[] p = new boolean[idx.size()];
            boolean[] t = new boolean[idx.size()];
            for (int j = 0; j < p.length; j++) {
                p[j] = predicted[idx.get(j)];
                t[j] = truth[idx.get(j)];
            }
            out.put(lang, ConfusionMatrix.of(p, t));
        });
        return out;
    }

    private static Map<String, String> settings(TrainConfig cfg, int discoveryRows, int validationRows) {
        Map<String, String> s = new TreeMap<>();
        s.put("method", cfg.method().id());
        s.put("layer_choice", cfg.layerChoice().name().toLowerCase(Locale.ROOT));
        s.put("compose", Integer.toString(cfg.compose()));
        s.put("top_features", Integer.toString(cfg.topFeatures()));
        s.put("validation_fraction", Double.toString(cfg.validationFraction()));
        s.put("per_language_thresholds", Boolean.toString(cfg.perLanguageThresholds()));
        s.put("discovery_rows", Integer.toString(discoveryRows));
        s.put("validation_rows", Integer.toString(validationRows));
        if (cfg.linear() != null) {
            s.put("epochs", Integer.toString(cfg.linear().epochs()));
            s.put("learning_rate", Double.toString(cfg.linear().learningRate()));
            s.put("values", cfg.linear().values().name().toLowerCase(Locale.ROOT));
            s.put("class_weights", Boolean.toString(cfg.linear().classWeights()));
            s.put("optimiser", "AdaGrad");
            s.put("objective", cfg.method() == Method.LOGREG ? "LogMulticlass" : "Hinge");
        }
        return s;
    }
}
