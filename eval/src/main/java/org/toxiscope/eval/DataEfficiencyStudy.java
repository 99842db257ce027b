package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.toxiscope.classify.ClassifierTrainer;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.LinearSettings;
import org.toxiscope.classify.TrainConfig;

/**
 * The data-efficiency curve and Fig. 12: for each discovery fraction and seed, {@code toxiscope train}'s pipeline
 * ({@link ClassifierTrainer}, no validation hold-out, discovery on a {@link org.toxiscope.classify.StratifiedSample}
 * of that fraction of every (language, label) stratum) fits a classifier that is scored on the test rows: F1
 * overall, per language, and macro-F1 across languages (the mean of the per-language F1). A run that cannot train
 * (e.g. no feature fires on a tiny sample) counts as NaN. The full-data reference is fraction 1 (added when absent).
 */
public final class DataEfficiencyStudy {

    /** The fractions of the report's curve. */
    public static final double[] DEFAULT_FRACTIONS = {0.01, 0.05, 0.1, 0.25, 0.5, 1.0};
    public static final int DEFAULT_SEEDS = 3;

    private final TrainConfig base;
    private final double[] fractions;
    private final long[] seeds;
    private final List<String> languages;
    private final double[][] f1;
    private final double[][] macroF1;
    private final double[][][] languageF1;
    private final List<String> failures = new ArrayList<>();
    private HeldOutRun full;

    private DataEfficiencyStudy(TrainConfig base, double[] fractions, long[] seeds, List<String> languages) {
        this.base = base;
        this.fractions = fractions;
        this.seeds = seeds;
        this.languages = languages;
        this.f1 = new double[fractions.length][seeds.length];
        this.macroF1 = new double[fractions.length][seeds.length];
        this.languageF1 = new double[languages.size()][fractions.length][seeds.length];
    }

    /**
     * Runs the curve: {@code base} gives method, layers, K and linear settings (its fractions and seed are replaced);
     * {@code extraction} goes into the throw-away bundles; {@code progress} hears one line per finished run.
     */
    public static DataEfficiencyStudy run(StudyData data, TrainConfig base, double[] fractions, long[] seeds,
                                          ExtractionProvenance extraction, Consumer<String> progress) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("give at least one seed");
        }
        double[] fr = Arrays.stream(fractions).sorted().distinct().toArray();
        if (fr.length == 0 || !(fr[0] > 0) || fr[fr.length - 1] > 1) {
            throw new IllegalArgumentException("fractions must lie in (0, 1], got " + Arrays.toString(fractions));
        }
        if (fr[fr.length - 1] != 1.0) {
            fr = Arrays.copyOf(fr, fr.length + 1);
            fr[fr.length - 1] = 1.0;
        }
        DataEfficiencyStudy study = new DataEfficiencyStudy(base, fr, seeds.clone(), data.testLanguages());
        for (int fi = 0; fi < fr.length; fi++) {
            for (int si = 0; si < seeds.length; si++) {
                study.runOne(data, fi, si, extraction);
                progress.accept(String.format(Locale.ROOT, "fraction %s seed %d: F1 %.4f, macro-F1 %.4f",
                        fr[fi], seeds[si], study.f1[fi][si], study.macroF1[fi][si]));
            }
        }
        return study;
    }

    private void runOne(StudyData data, int fi, int si, ExtractionProvenance extraction) {
        long seed = seeds[si];
        LinearSettings linear = base.linear() == null ? null : new LinearSettings(base.linear().method(),
                base.linear().epochs(), base.linear().learningRate(), base.linear().values(),
                base.linear().classWeights(), seed);
        TrainConfig cfg = new TrainConfig(base.method(), base.layerChoice(), base.compose(), base.topFeatures(),
                fractions[fi], 0.0, seed, false, linear);
        HeldOutRun run;
        try {
            run = HeldOutRun.of(ClassifierTrainer.train(data.train(), cfg, extraction, "", "").bundle()
                    .classifiers().get(0), data);
        } catch (IllegalArgumentException e) {
            failures.add("fraction " + fractions[fi] + " seed " + seed + ": " + e.getMessage());
            f1[fi][si] = Double.NaN;
            macroF1[fi][si] = Double.NaN;
            for (double[][] l : languageF1) {
                l[fi][si] = Double.NaN;
            }
            return;
        }
        f1[fi][si] = Figures.chartValue(run.f1());
        macroF1[fi][si] = Figures.chartValue(run.macroF1AcrossLanguages(languages));
        for (int l = 0; l < languages.size(); l++) {
            languageF1[l][fi][si] = Figures.chartValue(run.f1(languages.get(l)));
        }
        if (fi == fractions.length - 1 && full == null) {
            full = run;
        }
    }

    /** The fractions run, ascending, ending at 1. */
    public double[] fractions() {
        return fractions.clone();
    }

    public long[] seeds() {
        return seeds.clone();
    }

    /** Overall held-out F1: {@code f1()[fraction][seed]}, NaN for a run that failed. */
    public double[][] f1() {
        return copy(f1);
    }

    /** Macro-F1 across test languages: {@code macroF1()[fraction][seed]}. */
    public double[][] macroF1() {
        return copy(macroF1);
    }

    /** Per fraction, the mean overall F1 over the seeds that ran. */
    public double[] meanF1() {
        return band(f1)[0];
    }

    /** Per fraction, the mean macro-F1 across languages over the seeds that ran. */
    public double[] meanMacroF1() {
        return band(macroF1)[0];
    }

    /** The mean over seeds of the full-data (fraction 1) F1; NaN when every full-data run failed. */
    public double fullDataF1() {
        return mean(f1[fractions.length - 1]);
    }

    /** Per fraction, the mean F1 over seeds as a share (0-1) of the full-data F1. */
    public double[] shareOfFullData() {
        double full = fullDataF1();
        double[] out = new double[fractions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean(f1[i]) / full;
        }
        return out;
    }

    /** The runs that failed, with the reason. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The first seed's full-data classifier on the test rows, named for a full evaluation; empty if it failed. */
    public Map<String, HeldOutRun> headline() {
        Map<String, HeldOutRun> out = new LinkedHashMap<>();
        if (full != null) {
            out.put(base.method().id() + " on all discovery data", full);
        }
        return out;
    }

    /** The curve as a share of the full-data F1 (mean over seeds, min-max whiskers); null without a positive full-data F1. */
    public LineChart shareChart() {
        double full = fullDataF1();
        if (!(full > 0)) {
            return null;
        }
        return Figures.dataEfficiency("Data efficiency: held-out F1 as % of the full-data F1", fractions,
                Map.of(base.method().id(), f1), Map.of(base.method().id(), full));
    }

    /** Fig. 12: macro-F1 across languages, overall F1 and each language's F1 (means over seeds) vs fraction. */
    public LineChart macroF1Chart() {
        LineChart chart = new LineChart("Held-out F1 vs discovery fraction", "fraction of discovery data", "F1")
                .logX().yRange(0, 1);
        double[][] macroBand = band(macroF1);
        chart.series("macro-F1 across languages", fractions, macroBand[0], macroBand[1], macroBand[2]);
        chart.series("F1 (all rows)", fractions, band(f1)[0]);
        for (int l = 0; l < languages.size(); l++) {
            chart.series("F1 " + languages.get(l), fractions, band(languageF1[l])[0]);
        }
        return chart;
    }

    /** The settings and failures behind the figures, for the report's provenance. */
    public JsonObject summary() {
        JsonObject o = new JsonObject();
        o.addProperty("method", base.method().id());
        o.addProperty("layer_choice", base.layerChoice().name().toLowerCase(Locale.ROOT));
        o.addProperty("compose", base.compose());
        o.addProperty("top_features", base.topFeatures());
        JsonArray s = new JsonArray();
        for (long seed : seeds) {
            s.add(seed);
        }
        o.add("seeds", s);
        o.add("fractions", Json.array(fractions));
        o.add("share_of_full_data_f1", Json.array(shareOfFullData()));
        JsonArray f = new JsonArray();
        failures.forEach(f::add);
        o.add("failed_runs", f);
        return o;
    }

    /** [mean, min, max] over seeds per fraction, ignoring NaN; NaN where every seed failed. */
    private static double[][] band(double[][] perSeed) {
        double[][] out = new double[3][perSeed.length];
        for (int i = 0; i < perSeed.length; i++) {
            out[0][i] = mean(perSeed[i]);
            out[1][i] = Arrays.stream(perSeed[i]).filter(Double::isFinite).min().orElse(Double.NaN);
            out[2][i] = Arrays.stream(perSeed[i]).filter(Double::isFinite).max().orElse(Double.NaN);
        }
        return out;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
