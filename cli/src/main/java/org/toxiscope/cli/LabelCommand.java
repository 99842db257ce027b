package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.model.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope label}: streams a dataset through model, SAE and classifier and writes it back with predictions. */
@Command(name = "label", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label a whole dataset with a trained classifier bundle. Every input column is kept, in order; "
                + "appended: toxic_score, toxic (0/1) and top_features (the features behind a positive prediction, "
                + "e.g. L14:f2311@tok5=3.2;...). With a multi-label bundle, <label>_score and <label> follow for "
                + "each further label. The model, SAE and layers come from the bundle (--model/--sae override where "
                + "the files now live; a model or SAE other than the training one is refused). Output is written to "
                + "OUT.partial and renamed when complete; --resume continues an interrupted run."},
        footer = {"", "Example:",
            "  toxiscope label --classifier toxic.tsc --input comments.csv --text-column comment_text \\",
            "      --output comments.labelled.csv"})
final class LabelCommand implements Callable<Integer> {

    @Option(names = "--classifier", required = true, paramLabel = "toxic.tsc", description = "Bundle from train.")
    Path classifier;

    @Option(names = "--input", required = true, paramLabel = "IN", description = "Dataset to label (any format data reads).")
    List<String> input;

    @Mixin
    DatasetOptions columns;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Labelled output (format from its name).")
    Path output;

    @Option(names = "--resume", description = "Continue an interrupted run's OUT.partial instead of starting over.")
    boolean resume;

    @Option(names = "--model", paramLabel = "DIR_OR_ID", description = "Where the bundle's model now lives.")
    String model;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID", description = "Where the bundle's SAE now lives.")
    String sae;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]", description = "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--max-tokens", defaultValue = "0", paramLabel = "N",
            description = "Cut texts to N tokens, counting how many were cut (default 0: no limit).")
    int maxTokens;

    @Option(names = "--batch-tokens", defaultValue = "4096", paramLabel = "N", description = "Padded tokens per batch.")
    int batchTokens;

    @Option(names = "--chunk", defaultValue = "256", paramLabel = "N", description = "Records per chunk written at once.")
    int chunk;

    @Option(names = "--stop-after", hidden = true, paramLabel = "N",
            description = "Testing: stop as if killed when record N is read, leaving the partial output.")
    Long stopAfter;

    @Override
    public Integer call() throws Exception {
        ClassifierBundle bundle = ClassifierBundle.load(classifier);
        Corpus corpus = columns.corpus(input);
        List<String> appended = null;
        long skipped = 0;
        RecordProgress progress;
        try (BundleSession session = BundleSession.open(bundle, model, sae, Devices.parse(device), maxTokens,
                batchTokens);
             RecordStream records = corpus.read()) {
            progress = RecordProgress.toStderr("label", records::progress);
            CorpusWriter writer = null;
            List<TextRecord> batch = new ArrayList<>(chunk);
            long seen = 0;
            try {
                while (records.hasNext()) {
                    TextRecord r = records.next();
                    seen++;
                    if (writer == null) {
                        LabelColumns columns = LabelColumns.of(bundle.labelNames(), r.fields().keySet());
                        columns.renamed().forEach(line -> System.err.println("label: " + line));
                        appended = columns.names();
                        List<String> outColumns = CorpusWriter.columns(r, appended);
                        writer = resume ? CorpusWriter.resume(output, outColumns) : CorpusWriter.create(output, outColumns);
                        if (writer.doneCount() > 0) {
                            System.err.printf("label: resuming after %,d records already written%n", writer.doneCount());
                        }
                    }
                    // Done records stay in their chunk: the model then sees exactly the batches of an uninterrupted
                    // run (same shapes, same float rounding), which keeps a resumed output byte-identical.
                    batch.add(r);
                    if (stopAfter != null && seen >= stopAfter) {
                        // As a kill would: the chunk in hand is lost, what was flushed stays in the partial output.
                        writer.close();
                        System.err.printf("label: stopped after %,d records as asked; --resume continues%n", seen);
                        return 3;
                    }
                    if (batch.size() == chunk || !records.hasNext()) {
                        skipped += labelBatch(session, batch, appended, writer, progress);
                        batch.clear();
                    }
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
            progress.done();
            if (session.features().truncatedCount() > 0) {
                System.err.printf("label: %,d texts were cut to --max-tokens %d%n", session.features().truncatedCount(),
                        maxTokens);
            }
            if (records.rejected() > 0) {
                System.err.printf("label: %,d records rejected (see --rejects)%n", records.rejected());
            }
        }
        System.err.printf("label: wrote %s (%,d records resumed from an earlier run)%n", output, skipped);
        return 0;
    }

    /** Labels a chunk and writes its records that an earlier run did not; returns how many were already done. */
    private static long labelBatch(BundleSession session, List<TextRecord> batch, List<String> appended,
                                   CorpusWriter writer, RecordProgress progress) throws java.io.IOException {
        long done = batch.stream().filter(r -> writer.isDone(r.id())).count();
        if (done == batch.size()) {
            batch.forEach(r -> progress.step());
            return done;
        }
        List<List<Prediction>> predictions = session.predict(batch);
        for (int i = 0; i < batch.size(); i++) {
            TextRecord r = batch.get(i);
            progress.step();
            if (writer.isDone(r.id())) {
                continue;
            }
            List<Object> cells = LabelColumns.values(predictions.get(i));
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < cells.size(); c++) {
                values.put(appended.get(c), LabelColumns.text(cells.get(c)));
            }
            writer.write(r, values);
        }
        return done;
    }
}
