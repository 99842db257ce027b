package org.toxiscope.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.eval.ClassifierEvaluation;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.HeldOutRun;
import org.toxiscope.eval.MetricsConfig;
import org.toxiscope.eval.StudyInputs;
import org.toxiscope.features.extract.FeatureSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code eval curve}, {@code eval layers} and {@code eval languages} share: the model, SAE, feature and column
 * flags, the discovery and test data (features extracted once through the cache for every layer), and the report.
 */
final class EvalModelOptions {

    @Mixin
    ModelOptions model;

    @Mixin
    SaeOptions sae;

    @Option(names = "--data", required = true, paramLabel = "TRAIN",
            description = "Labelled discovery/training data (repeatable).")
    List<String> data;

    @Option(names = "--test", required = true, paramLabel = "TEST", description = "Labelled held-out test data (repeatable).")
    List<String> test;

    @Option(names = "--report", required = true, paramLabel = "DIR",
            description = "Output folder: report.json, per_language.csv, index.html.")
    Path report;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples for the intervals of the full evaluations, 0 for none (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--title", paramLabel = "TEXT", description = "Report title.")
    String title;

    @Mixin
    DatasetOptions columns;

    @Mixin
    FeatureOptions features;

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, hidden = true)
    int chunk;

    /** Extracts the features of --data and --test at every chosen layer in one session. */
    StudyInputs load(String command) throws IOException {
        try (FeatureSession session = Sessions.open("eval " + command, model, sae, features)) {
            return StudyInputs.load(session, command, columns.corpus(data), data, columns.corpus(test), test, chunk,
                    columns.seed);
        }
    }

    /**
     * A report on the loaded data: the study's choices under provenance "study", and a full evaluation (every
     * metric, per language) of each headline classifier; the caller adds its figure sections and calls {@link #write}.
     */
    EvalReport report(String defaultTitle, StudyInputs loaded, JsonObject study, Map<String, HeldOutRun> headline) {
        if (headline.isEmpty()) {
            throw new IllegalArgumentException("no classifier could be built from the discovery data");
        }
        MetricsConfig config = new MetricsConfig(bootstrap, columns.seed, MetricsConfig.DEFAULT.confidence(),
                MetricsConfig.DEFAULT.calibrationBins(), MetricsConfig.DEFAULT.maxCurvePoints());
        JsonObject provenance = loaded.provenance().deepCopy();
        provenance.add("study", study);
        EvalReport out = new EvalReport(title != null ? title : defaultTitle, provenance, config);
        headline.forEach((name, run) -> out.add(ClassifierEvaluation.evaluate(name, run.predictions(), List.of(),
                config)));
        return out;
    }

    /** Writes the report folder and says where. */
    void write(String command, EvalReport out) throws IOException {
        out.write(report);
        System.err.println("eval " + command + ": wrote " + report.resolve(EvalReport.INDEX_HTML));
    }

    /** A number for the stdout tables: 4 decimals, n/a for NaN. */
    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
