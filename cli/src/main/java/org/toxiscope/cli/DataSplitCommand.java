package org.toxiscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.common.ExclusiveLock;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.Compression;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.Format;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SplitSpec;
import org.toxiscope.datasets.SplitWriter;
import org.toxiscope.datasets.StratifiedSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toxiscope data split}: writes deterministic (language, label)-stratified, deduplicated splits of a corpus. */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = "Writes one file per split, stratified by (language, label) and chosen by a seeded hash of each "
                + "record id, so the same seed gives the same splits. Repeated texts (normalised) go to no split unless "
                + "--keep-duplicates. Input columns are kept in order; lang and id are appended when they are not "
                + "columns already. Prints the counts per split as JSON. Each file is written to NAME.EXT.partial and "
                + "renamed when complete; --resume continues an interrupted run (same settings and input files), "
                + "--overwrite starts over, and without either an existing partial output is refused.",
        footer = {"", "Example:",
            "  toxiscope data split --input data/ --output splits/ \\",
            "      --splits train=0.8,validation=0.1,test=0.1 --seed 7",
            "  toxiscope data split --input jigsaw.csv.gz --lang en \\",
            "      --output out/ --format csv --compress gz",
            "  toxiscope data split --input big/ --output splits/ --resume"})
final class DataSplitCommand implements Callable<Integer> {

    @Mixin
    CorpusInputOptions input;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder for the split files.")
    Path output;

    @Option(names = "--splits", paramLabel = "NAME=F,..", defaultValue = "train=0.8,validation=0.1,test=0.1",
            description = "Split names and fractions (default ${DEFAULT-VALUE}).")
    String splits;

    @Option(names = "--format", paramLabel = "csv|tsv|jsonl|parquet", defaultValue = "jsonl",
            description = "Output format (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--compress", paramLabel = "none|gz|bz2|xz|zst", defaultValue = "none",
            description = "Output compression (default ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--keep-duplicates", description = "Keep repeated texts instead of leaving them out.")
    boolean keepDuplicates;

    @Option(names = "--resume", description = "Continue the outputs an interrupted run left (NAME.EXT.partial), "
            + "skipping records already written; the files end byte-identical to an uninterrupted run.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete the partial outputs an interrupted run left and start over.")
    boolean overwrite;

    @Option(names = "--stop-after", hidden = true, paramLabel = "N",
            description = "Testing: stop as if killed when record N is read, leaving the partial outputs.")
    Long stopAfter;

    /** Thrown by the progress callback to stop the pass as a kill would (the --stop-after testing aid). */
    private static final class StopAsAsked extends RuntimeException {
        StopAsAsked() {
            super(null, null, false, false);
        }
    }

    @Override
    public Integer call() throws IOException {
        OutputPolicy.of(resume, overwrite, Map.of()); // both flags at once are refused before any work
        SplitSpec splitSpec = SplitSpec.parse(splits);
        Format f = Format.named(format);
        Compression c = Compression.named(compress);
        if (f == Format.PARQUET && c != Compression.NONE) {
            throw new IllegalArgumentException("Parquet compresses inside the file; leave out --compress");
        }
        // The folder's lock first: a second split into it is refused before its planning pass, not after.
        try (ExclusiveLock folder = ExclusiveLock.acquire(output.resolve(".split.lock"), output.toString())) {
            return split(splitSpec, f, c);
        }
    }

    private int split(SplitSpec splitSpec, Format f, Compression c) throws IOException {
        Corpus corpus = input.corpus();
        StratifiedSplit plan = StratifiedSplit.plan(corpus, splitSpec, input.dataset.seed(), !keepDuplicates);
        PrintWriter err = spec.commandLine().getErr();
        double[] fractionRead = {0};
        long[] read = {0};
        RecordProgress progress = new RecordProgress("data split", err, () -> fractionRead[0]);
        Map<String, String> madeBy = new LinkedHashMap<>();
        madeBy.put("splits", splitSpec.toString());
        madeBy.put("seed", Long.toString(input.dataset.seed()));
        madeBy.put("keep duplicates", Boolean.toString(keepDuplicates));
        madeBy.putAll(corpus.describe());
        SplitWriter.Result result;
        try (ResumeHint hint = ResumeHint.install(spec)) {
            try {
                result = SplitWriter.write(corpus, plan, output, f.extension() + c.extension(),
                        OutputPolicy.of(resume, overwrite, madeBy), hint::add, fraction -> {
                            if (stopAfter != null && ++read[0] >= stopAfter) {
                                throw new StopAsAsked();
                            }
                            fractionRead[0] = fraction;
                            progress.step();
                        });
            } catch (StopAsAsked e) {
                hint.report(err, String.format("stopped after %,d records as asked", read[0]));
                return 3;
            }
        }
        progress.done(RecordStream.skippedNote(result.skipped(), corpus.mapping().skipLabels()));
        result.resumed().forEach((name, done) -> {
            if (done > 0) {
                err.printf("data split: %s: resuming kept %,d records an earlier run wrote%n", name, done);
            }
        });
        err.flush();
        spec.commandLine().getOut().println(result.toJson());
        return 0;
    }
}
