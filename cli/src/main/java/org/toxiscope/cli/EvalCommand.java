package org.toxiscope.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.common.Versions;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.OnError;
import org.toxiscope.eval.BinaryMetrics;
import org.toxiscope.eval.ClassifierEvaluation;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.LabelledTableSource;
import org.toxiscope.eval.MetricsConfig;
import org.toxiscope.eval.MultiLabelEvaluation;
import org.toxiscope.eval.PredictionColumns;
import org.toxiscope.eval.PredictionSource;
import org.toxiscope.eval.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope eval}: metrics of one or more classifiers on a labelled test set, overall and per language,
 * written as a report folder (report.json, per_language.csv, index.html); a one-line summary per classifier on stdout.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "How good is a classifier, in which languages, and at what threshold: accuracy, precision, recall, F1 "
                    + "(toxic class), macro-F1, AUROC, average precision, confusion matrix, seeded bootstrap "
                    + "confidence intervals, calibration and the best-F1 threshold, overall and per language.",
            "Several --labelled files (one per classifier, same test set) are compared side by side.",
            "Writes DIR/report.json (every number and the provenance), DIR/per_language.csv and DIR/index.html "
                    + "(one self-contained page with charts, no JavaScript)."},
        subcommands = {EvalCurveCommand.class, EvalLayersCommand.class, EvalLanguagesCommand.class},
        footer = {"", "Example:",
            "  toxiscope eval --labelled labelled.jsonl --gold-column gold --report ev",
            "  toxiscope eval --labelled rule.csv --name rule \\",
            "      --labelled logreg.csv --name logreg --gold-column is_toxic \\",
            "      --pred-column none --threshold 0.6 --report compare",
            "  toxiscope eval --classifier jigsaw.tsc --data test.jsonl --label-column insult,toxic --report ev",
            "",
            "Columns named 'none' are not used. A language asked for with --languages but absent from the data "
                    + "is reported with n = 0 and empty metrics; rows without a language count as 'und'."})
public final class EvalCommand implements Callable<Integer> {

    private static final String NONE = "none";

    @Option(names = "--labelled", paramLabel = "FILE",
            description = "Labelled output (e.g. of toxiscope label): .jsonl, .ndjson, .csv, .tsv or .parquet, "
                    + "optionally .gz/.bz2/.xz/.zst, with gold, score and prediction columns. Repeat to compare "
                    + "classifiers.")
    List<Path> labelled = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME",
            description = "Name of each --labelled classifier in the report, in the same order (default: file name).")
    List<String> names = new ArrayList<>();

    @Option(names = "--classifier", paramLabel = "BUNDLE.tsc",
            description = "Classifier bundle to run on --data (repeatable: compared side by side).")
    List<Path> classifiers = new ArrayList<>();

    @Option(names = "--data", paramLabel = "TEST", description = "Labelled test set for --classifier (any format data reads).")
    List<String> data = new ArrayList<>();

    @Option(names = "--text-column", paramLabel = "COL", description = "--data: text column (default: text, "
            + "comment_text, content or sentence).")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "COL", split = ",",
            description = "--data: the heads of a multi-label bundle to score, each against the gold column of its "
                    + "name (repeat or comma-separate; default: every label of the bundle the data has a column for); "
                    + "for a one-label bundle, its gold column (default: its label's name, else toxic or label).")
    List<String> labelColumns = new ArrayList<>();

    @Option(names = "--lang", paramLabel = "XX", description = "--data: one language code for every record.")
    String lang;

    @Option(names = "--skip-label", paramLabel = "VALUE", split = ",", defaultValue = "-1",
            description = "Gold value that means 'not scored': such rows are left out and counted (with --data: "
                    + "in any label column scored); repeat or comma-separate for more, none for no skipping (default "
                    + "${DEFAULT-VALUE}, Jigsaw test_labels.csv's marker).")
    List<String> skipLabels;

    /** --classifier: the bundle's session. */
    @Mixin
    BundleOptions session;

    @Option(names = "--gold-column", paramLabel = "COLUMN", description = "Column with the gold label (required "
            + "with --labelled): true/false, 1/0, yes/no or toxic/clean.")
    String goldColumn;

    @Option(names = "--score-column", paramLabel = "COLUMN", defaultValue = "toxic_score",
            description = "Column with the classifier's score, higher = more toxic (default: ${DEFAULT-VALUE}).")
    String scoreColumn;

    @Option(names = "--pred-column", paramLabel = "COLUMN",
            description = "Column with the classifier's decision (default: toxic, or toxic_pred where the gold column "
                    + "is toxic, as toxiscope label names it); 'none' to use score >= --threshold.")
    String predColumn;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Decision threshold when --pred-column is none (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--lang-column", paramLabel = "COLUMN",
            description = "Column with the language code (default: lang; with --data also language, or a code in the "
                    + "file path).")
    String langColumn;

    @Option(names = "--id-column", paramLabel = "COLUMN",
            description = "Column with the row id (default: id; missing ids become file and line).")
    String idColumn;

    @Option(names = "--languages", paramLabel = "LANG", split = ",",
            description = "Languages to report even when the data has none of them, comma-separated.")
    List<String> languages = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples for the F1 and AUROC intervals, 0 for none (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--title", paramLabel = "TEXT", description = "Report title.")
    String title;

    @Option(names = "--report", paramLabel = "DIR", description = "Output folder (created if needed; required).")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (report == null) {
            throw new IllegalArgumentException("--report DIR is required");
        }
        MetricsConfig config = new MetricsConfig(bootstrap, seed, confidence, MetricsConfig.DEFAULT.calibrationBins(),
                MetricsConfig.DEFAULT.maxCurvePoints());
        if (!classifiers.isEmpty()) {
            if (data.isEmpty() || !labelled.isEmpty()) {
                throw new IllegalArgumentException("--classifier needs --data TEST (and no --labelled)");
            }
            if (!names.isEmpty() && names.size() != classifiers.size()) {
                throw new IllegalArgumentException(names.size() + " --name for " + classifiers.size() + " --classifier");
            }
            List<String> bundleNames = new ArrayList<>();
            List<PredictionSource> sources = new ArrayList<>();
            ColumnMapping mapping = new ColumnMapping(textColumn, List.of(), langColumn, lang, idColumn,
                    ColumnMapping.DEFAULT_THRESHOLD, List.of(), OnError.FAIL, null,
                    DatasetOptions.unscoredMarkers(skipLabels), true);
            for (int i = 0; i < classifiers.size(); i++) {
                bundleNames.add(names.isEmpty() ? classifiers.get(i).getFileName().toString() : names.get(i));
                sources.add(new BundlePredictionSource(classifiers.get(i), data, mapping, labelColumns, session));
            }
            return evaluate(bundleNames, sources, "classifier run", config);
        }
        if (labelled.isEmpty()) {
            throw new IllegalArgumentException("give --labelled FILE (or --classifier with --data)");
        }
        if (goldColumn == null) {
            throw new IllegalArgumentException("--gold-column is required with --labelled");
        }
        if (!names.isEmpty() && names.size() != labelled.size()) {
            throw new IllegalArgumentException(names.size() + " --name for " + labelled.size() + " --labelled files");
        }
        String predColumn = this.predColumn != null ? this.predColumn
                : goldColumn.equals("toxic") ? "toxic_pred" : "toxic";
        if (goldColumn.equals(predColumn)) {
            throw new IllegalArgumentException("--gold-column " + goldColumn + " is also the prediction column; name "
                    + "the prediction column with --pred-column, or --pred-column none to use --threshold");
        }
        PredictionColumns columns = new PredictionColumns(goldColumn, column(scoreColumn), column(predColumn),
                column(langColumn == null ? "lang" : langColumn), column(idColumn == null ? "id" : idColumn), threshold,
                DatasetOptions.unscoredMarkers(skipLabels));
        List<String> fileNames = new ArrayList<>();
        List<PredictionSource> sources = new ArrayList<>();
        for (int i = 0; i < labelled.size(); i++) {
            fileNames.add(names.isEmpty() ? labelled.get(i).getFileName().toString() : names.get(i));
            sources.add(new LabelledTableSource(labelled.get(i), columns));
        }
        return evaluate(fileNames, sources, "labelled output", config);
    }

    private int evaluate(List<String> classifierNames, List<PredictionSource> sources, String mode,
                         MetricsConfig config) throws Exception {
        JsonArray provenanceOfClassifiers = new JsonArray();
        List<ClassifierEvaluation> evaluations = new ArrayList<>();
        List<MultiLabelEvaluation> multiLabel = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String name = classifierNames.get(i);
            if (evaluations.stream().anyMatch(e -> e.name().equals(name))) {
                throw new IllegalArgumentException("two classifiers named " + name + "; tell them apart with --name");
            }
            PredictionSource source = sources.get(i);
            long start = System.nanoTime();
            Predictions predictions = source.read();
            if (predictions.size() == 0) {
                throw new IllegalArgumentException(name + ": no predictions to evaluate");
            }
            System.err.printf(Locale.ROOT, "eval: %s: %d predictions%s%n", name, predictions.size(),
                    source instanceof LabelledTableSource table ? table.skippedNote() : "");
            if (source instanceof BundlePredictionSource bundle && bundle.multiLabel()) {
                System.err.printf(Locale.ROOT, "eval: %s: scoring label(s) %s%s%n", name,
                        String.join(", ", bundle.labels().heads()), bundle.labels().missing().isEmpty() ? ""
                                : "; no gold column for " + String.join(", ", bundle.labels().missing()));
            }
            ClassifierEvaluation evaluation = ClassifierEvaluation.evaluate(name, predictions, languages, config);
            System.err.printf(Locale.ROOT, "eval: %s: metrics for %d languages in %.1f s%n", name,
                    evaluation.languages().size(), (System.nanoTime() - start) / 1e9);
            evaluations.add(evaluation);
            if (source instanceof BundlePredictionSource bundle && bundle.byLabel().size() + bundle.labels().missing()
                    .size() > 1) {
                multiLabel.add(perLabel(name, bundle, evaluation, config));
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("name", name);
            entry.add("source", source.provenance());
            provenanceOfClassifiers.add(entry);
        }
        JsonObject provenance = new JsonObject();
        provenance.addProperty("tool", "toxiscope eval");
        provenance.addProperty("version", Versions.toxiscope());
        provenance.addProperty("mode", mode);
        provenance.add("classifiers", provenanceOfClassifiers);

        EvalReport out = new EvalReport(title != null ? title : "toxiscope eval: "
                + String.join(" vs ", evaluations.stream().map(ClassifierEvaluation::name).toList()), provenance, config);
        evaluations.forEach(out::add);
        multiLabel.forEach(out::addLabels);
        out.write(report);
        for (ClassifierEvaluation e : evaluations) {
            System.out.println(summary(e));
        }
        for (MultiLabelEvaluation ml : multiLabel) {
            for (ClassifierEvaluation label : ml.labels()) {
                System.out.println(summary(new ClassifierEvaluation(ml.name() + " " + label.name(), label.overall(),
                        label.languages())));
            }
            System.out.println(ml.name() + ": mean AUROC=" + fmt(ml.meanAuroc()) + " over "
                    + (ml.meanAurocLabels().isEmpty() ? "no label" : String.join(", ", ml.meanAurocLabels()))
                    + (ml.missingLabels().isEmpty() ? ""
                    : "; not scored (no gold column): " + String.join(", ", ml.missingLabels())));
        }
        System.err.println("eval: wrote " + report.resolve(EvalReport.INDEX_HTML));
        return 0;
    }

    /** Every scored head of a multi-label bundle evaluated; the first head's is the one already computed. */
    private MultiLabelEvaluation perLabel(String name, BundlePredictionSource bundle, ClassifierEvaluation first,
                                          MetricsConfig config) throws IOException {
        List<ClassifierEvaluation> labels = new ArrayList<>();
        for (Map.Entry<String, Predictions> head : bundle.byLabel().entrySet()) {
            labels.add(labels.isEmpty()
                    ? new ClassifierEvaluation(head.getKey(), first.overall(), first.languages())
                    : ClassifierEvaluation.evaluate(head.getKey(), head.getValue(), languages, config));
        }
        return MultiLabelEvaluation.of(name, labels, bundle.labels().missing());
    }

    private static String column(String name) {
        return NONE.equals(name) ? null : name;
    }

    private static String summary(ClassifierEvaluation e) {
        BinaryMetrics m = e.overall();
        return String.format(Locale.ROOT, "%s: n=%d toxic=%d accuracy=%s F1=%s%s macro-F1=%s AUROC=%s%s AP=%s",
                e.name(), m.n(), m.positives(), fmt(m.accuracy()), fmt(m.f1()),
                m.f1Ci() == null ? "" : " [" + fmt(m.f1Ci().low()) + ", " + fmt(m.f1Ci().high()) + "]",
                fmt(m.macroF1()), fmt(m.auroc()),
                m.aurocCi() == null ? "" : " [" + fmt(m.aurocCi().low()) + ", " + fmt(m.aurocCi().high()) + "]",
                fmt(m.averagePrecision()));
    }

    /** A metric for stdout: 3 decimals, n/a when undefined. */
    static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
