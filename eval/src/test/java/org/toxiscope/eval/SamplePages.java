package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.RuntimeInfo;

/**
 * The report pages of {@code eval layers} and {@code eval curve} as those commands build them, on a generated study
 * the size of a real one's figures: layers 0 to 2 (an integer axis short enough for half-step ticks), the report's
 * four K values, 14 languages (16 lines in Fig. 12) and headline classifiers with long names.
 */
final class SamplePages {

    static final List<String> LANGUAGES = List.of("ar", "de", "en", "es", "fr", "hi", "it", "ja", "nl", "pl", "pt",
            "ru", "uk", "zh");
    static final ExtractionProvenance EXTRACTION = new ExtractionProvenance("Qwen/Qwen3-1.7B", "c0ffee", "w-digest",
            "t-sha", "Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50", Map.of(0, "a1", 1, "b2", 2, "c3"),
            Map.of(0, 32768, 1, 32768, 2, 32768), 50, false, "max", 32768, "f32",
            new RuntimeInfo("0.1.0", "17.0.15", "Linux 6.1 amd64", "0.36.0", "PyTorch 2.7.1", "cpu"));
    private static final int[] LAYERS = {0, 1, 2};
    private static final MetricsConfig CONFIG = new MetricsConfig(200, 42, 0.95, 10, 200);

    private SamplePages() {
    }

    /** The study: per language 24 discovery and 24 test rows, half toxic; feature 1 tracks toxicity, more deeply. */
    static StudyData study() {
        Random random = new Random(7);
        return StudyData.of(table(random), table(random));
    }

    private static FeatureTable table(Random random) {
        FeatureTable.Builder b = FeatureTable.builder(LAYERS, List.of("toxic"));
        for (String lang : LANGUAGES) {
            for (int i = 0; i < 24; i++) {
                boolean toxic = i % 2 == 0;
                SparseVector[] byLayer = new SparseVector[LAYERS.length];
                for (int l = 0; l < LAYERS.length; l++) {
                    List<Integer> fired = new ArrayList<>();
                    if (random.nextDouble() < (toxic ? 0.55 + 0.15 * l : 0.2)) {
                        fired.add(1);
                    }
                    if (random.nextDouble() < (toxic ? 0.5 : 0.25)) {
                        fired.add(2);
                    }
                    if (random.nextDouble() < 0.3) {
                        fired.add(3 + l);
                    }
                    byLayer[l] = StudyTables.fires(fired.stream().mapToInt(Integer::intValue).toArray());
                }
                b.add(lang + "-" + i, lang, Map.of("toxic", toxic), byLayer);
            }
        }
        return b.build();
    }

    /** The page {@code eval layers} writes for {@link #study()}. */
    static EvalReport layers() {
        StudyData data = study();
        LayerStudy s = LayerStudy.run(data, LayerStudy.DEFAULT_KS, LayerStudy.DEFAULT_MAX_COMPOSE);
        EvalReport out = report("toxiscope eval layers", "layers", data, s.summary(), s.headline());
        out.addSection("Held-out F1 per layer (Fig. 8/10)", "Rule over the top-K features of one layer.",
                s.layerChart(), s.top1DiffChart());
        out.addSection("Multi-layer composition (Fig. 11)", "Top-1 feature of each of the m layers, ORed.",
                s.compositionGainChart(), s.compositionF1Chart());
        return out;
    }

    /** The page {@code eval curve} writes for {@link #study()}, two seeds. */
    static EvalReport curve() {
        StudyData data = study();
        DataEfficiencyStudy s = DataEfficiencyStudy.run(data, TrainConfig.defaults(Method.RULE),
                DataEfficiencyStudy.DEFAULT_FRACTIONS, new long[] {1, 2}, EXTRACTION, line -> { });
        EvalReport out = report("toxiscope eval curve: rule", "curve", data, s.summary(), s.headline());
        out.addSection("Data efficiency", "Mean over 2 seeds.", s.shareChart());
        out.addSection("Macro-F1 across languages vs discovery fraction (Fig. 12)", "Mean over 2 seeds.",
                s.macroF1Chart());
        return out;
    }

    private static EvalReport report(String title, String command, StudyData data, JsonObject study,
                                     Map<String, HeldOutRun> headline) {
        JsonObject provenance = StudyInputs.provenance(command, data, EXTRACTION, List.of("train.jsonl"), "0a1b",
                List.of("test.jsonl"), "2c3d", 42);
        provenance.add("study", study);
        EvalReport out = new EvalReport(title, provenance, CONFIG);
        headline.forEach((name, run) -> out.add(ClassifierEvaluation.evaluate(name, run.predictions(), List.of(),
                CONFIG)));
        return out;
    }
}
