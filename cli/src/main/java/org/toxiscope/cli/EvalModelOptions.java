package org.toxiscope.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTables;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.eval.ClassifierEvaluation;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.HeldOutRun;
import org.toxiscope.eval.MetricsConfig;
import org.toxiscope.eval.StudyData;
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

    /** Both data sets as feature tables, what extracted them, and the provenance for report.json. */
    record Inputs(StudyData data, ExtractionProvenance extraction, JsonObject provenance) {
    }

    /** Extracts the features of --data and --test at every chosen layer in one session. */
    Inputs load(String command) throws IOException {
        try (FeatureSession session = Sessions.open("eval " + command, model, sae, features)) {
            FeatureTables.Loaded train = table(session, data, "eval " + command + ": discovery features");
            FeatureTables.Loaded held = table(session, test, "eval " + command + ": test features");
            StudyData study = StudyData.of(train.table(), held.table());
            ExtractionProvenance extraction = ExtractionProvenance.of(session);
            JsonObject p = new JsonObject();
            p.addProperty("tool", "toxiscope eval " + command);
            p.addProperty("version", Version.current());
            p.add("extraction", EvalReport.gson().toJsonTree(extraction));
            p.addProperty("label", study.labelName());
            p.add("data", files(data, train.dataSha256(), study.trainRows().length));
            p.add("test", files(test, held.dataSha256(), study.testRows().length));
            p.add("data_counts", EvalReport.gson().toJsonTree(train.table().counts(0)));
            p.add("test_counts", EvalReport.gson().toJsonTree(held.table().counts(study.testLabel())));
            p.addProperty("seed", columns.seed);
            return new Inputs(study, extraction, p);
        }
    }

    private FeatureTables.Loaded table(FeatureSession session, List<String> inputs, String task) throws IOException {
        try (RecordStream records = columns.corpus(inputs).read()) {
            return FeatureTables.load(session, records, task, chunk);
        }
    }

    private static JsonObject files(List<String> inputs, String sha256, int rows) {
        JsonObject o = new JsonObject();
        JsonArray names = new JsonArray();
        inputs.forEach(names::add);
        o.add("files", names);
        o.addProperty("sha256", sha256);
        o.addProperty("labelled_rows", rows);
        return o;
    }

    /**
     * A report on the loaded data: the study's choices under provenance "study", and a full evaluation (every
     * metric, per language) of each headline classifier; the caller adds its figure sections and calls {@link #write}.
     */
    EvalReport report(String defaultTitle, Inputs loaded, JsonObject study, Map<String, HeldOutRun> headline) {
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
