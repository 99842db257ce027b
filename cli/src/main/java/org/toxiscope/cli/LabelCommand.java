package org.toxiscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.Prediction;
import org.toxiscope.common.Digests;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toxiscope label}: streams a dataset through model, SAE and classifier and writes it back with predictions. */
@Command(name = "label", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label a whole dataset with a trained classifier bundle. Every input column is kept, in order; "
                + "appended: toxic_score (in [0, 1]: the bundle's calibrated score for every method), toxic (0/1) and "
                + "top_features (the features behind a positive prediction with the token each fired on, e.g. "
                + "L14:f2311@5\" idiot\"=3.2;...). With a multi-label bundle, <label>_score and <label> follow for "
                + "each further label; --raw-scores adds each label's raw method score last (toxic_raw, "
                + "<label>_raw). --input - reads standard input (JSON Lines, or one text per line). The model, SAE and layers come from the bundle (--model/--sae override where "
                + "the files now live; a model or SAE other than the training one is refused). Output is written to "
                + "OUT.partial and renamed when complete; --resume continues an interrupted run (with the same bundle, "
                + "settings and input files), --overwrite starts over, and without either an existing OUT.partial "
                + "is refused."},
        footer = {"", "Example:",
            "  toxiscope label --classifier toxic.tsc --input comments.csv --text-column comment_text \\",
            "      --output comments.labelled.csv"})
final class LabelCommand implements Callable<Integer> {

    @Option(names = "--classifier", required = true, paramLabel = "toxic.tsc", description = "Bundle from train.")
    Path classifier;

    @Option(names = "--input", required = true, paramLabel = "IN",
            description = "Dataset to label (any format data reads; - for standard input).")
    List<String> input;

    @Option(names = "--raw-scores", description = "Also write each label's raw method score: toxic_raw, <label>_raw "
            + "(rule: features fired, svm: margin, logreg: probability before calibration).")
    boolean rawScores;

    @Mixin
    DatasetOptions columns;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Labelled output (format from its name).")
    Path output;

    @Option(names = "--resume", description = "Continue an interrupted run's OUT.partial instead of starting over.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete an interrupted run's OUT.partial and start over.")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions session;

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, paramLabel = "N",
            description = "Records per chunk written at once (default ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--stop-after", hidden = true, paramLabel = "N",
            description = "Testing: stop as if killed when record N is read, leaving the partial output.")
    Long stopAfter;

    /** Opened on the first chunk, whose first record gives the input columns. */
    private CorpusWriter writer;
    private List<String> appended;

    @Override
    public Integer call() throws Exception {
        OutputPolicy.of(resume, overwrite, Map.of()); // both flags at once are refused before any work
        if (resume && SpooledTexts.readsStdin(input)) {
            throw new IllegalArgumentException("--resume needs the input files again; standard input (--input -) "
                    + "cannot be read twice");
        }
        ClassifierBundle bundle = ClassifierBundle.load(classifier);
        try (SpooledTexts stdin = SpooledTexts.readsStdin(input)
                ? SpooledTexts.of(System.in, columns.textColumn == null ? "text" : columns.textColumn) : null) {
            return label(bundle, columns.texts(stdin == null ? input : stdin.replaceStdin(input)));
        }
    }

    private int label(ClassifierBundle bundle, Corpus corpus) throws Exception {
        CorpusPass.Summary summary;
        try (ResumeHint hint = ResumeHint.install(spec);
             BundleSession labels = session.open(bundle); RecordStream records = corpus.read()) {
            try {
                summary = CorpusPass.of("label", labels.features(), CorpusPass.Need.POOLED).chunk(chunk)
                        .stopAfter(stopAfter)
                        .skipDone((first, c) -> {
                            openOutput(labels, corpus, c.get(0), hint);
                            return writer.isDone(first + c.size() - 1);
                        })
                        .run(records, c -> write(labels.predict(c), c));
                if (summary.stopped()) {
                    if (writer != null) {
                        writer.close();
                    }
                    hint.report(spec.commandLine().getErr(), String.format("stopped after %,d records as asked",
                            summary.records()));
                    return 3;
                }
                if (writer == null) {
                    throw new IllegalArgumentException(input + ": no records to label");
                }
                writer.commit();
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
        }
        System.err.printf("label: wrote %s (%,d records resumed from an earlier run)%n", output, summary.resumed());
        return 0;
    }

    /**
     * Opens the output on the first record, whose columns it copies; its resume state is the bundle file's digest,
     * the session settings, the chunk size and the input files.
     */
    private void openOutput(BundleSession labels, Corpus corpus, TextRecord first, ResumeHint hint) throws IOException {
        if (writer != null) {
            return;
        }
        LabelColumns names = LabelColumns.of(labels.bundle().labelNames(), first.fields().keySet(), rawScores);
        names.renamed().forEach(line -> System.err.println("label: " + line));
        appended = names.names();
        List<String> outColumns = CorpusWriter.columns(first, appended);
        Map<String, String> madeBy = new LinkedHashMap<>();
        madeBy.put("bundle sha256", Digests.sha256(classifier));
        madeBy.put("session", labels.features().spec().toString());
        madeBy.put("chunk", Integer.toString(chunk));
        if (rawScores) {
            madeBy.put("columns", "with raw scores");
        }
        madeBy.putAll(corpus.describe());
        writer = CorpusWriter.open(output, outColumns, CorpusWriter.types(first, names.types()),
                OutputPolicy.of(resume, overwrite, madeBy));
        hint.add(writer);
        if (writer.doneCount() > 0) {
            System.err.printf("label: resuming after %,d records already written%n", writer.doneCount());
        }
    }

    /** Writes the chunk's records that an earlier run did not. */
    private void write(List<List<Prediction>> predictions, CorpusPass.Chunk chunk) throws IOException {
        List<TextRecord> records = chunk.records();
        for (int i = 0; i < records.size(); i++) {
            long position = chunk.first() + i;
            if (writer.isDone(position)) {
                continue;
            }
            List<Object> cells = LabelColumns.values(predictions.get(i), rawScores);
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < cells.size(); c++) {
                values.put(appended.get(c), LabelColumns.text(cells.get(c)));
            }
            writer.write(position, records.get(i), values);
        }
    }
}
