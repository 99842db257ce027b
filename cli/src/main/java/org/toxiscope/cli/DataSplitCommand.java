package org.toxiscope.cli;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Compression;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.Format;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SplitSpec;
import org.toxiscope.datasets.StratifiedSplit;
import org.toxiscope.datasets.TextRecord;
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
                + "columns already. Prints the counts per split as JSON.",
        footer = {"", "Example:",
            "  toxiscope data split --input data/ --output splits/ \\",
            "      --splits train=0.8,validation=0.1,test=0.1 --seed 7",
            "  toxiscope data split --input jigsaw.csv.gz --lang en \\",
            "      --output out/ --format csv --compress gz",
            "  toxiscope data split --input big/ --output splits/ --resume"})
final class DataSplitCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE_OR_DIR",
            description = "Corpus file, folder or glob (quote it); repeat to combine.")
    List<String> inputs;

    @Mixin
    DatasetOptions dataset;

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

    @Override
    public Integer call() throws IOException {
        SplitSpec splitSpec = SplitSpec.parse(splits);
        String suffix = extension();
        Corpus corpus = dataset.corpus(inputs);
        StratifiedSplit plan = StratifiedSplit.plan(corpus, splitSpec, dataset.seed(), !keepDuplicates);
        ColumnMapping mapping = corpus.mapping();
        List<String> appended = new ArrayList<>();
        if (!plan.columns().contains("lang")) {
            appended.add("lang");
        }
        if (mapping.idColumn() == null && !plan.columns().contains("id")) {
            appended.add("id");
        }
        List<String> columns = new ArrayList<>(plan.columns());
        columns.addAll(appended);

        List<CorpusWriter> writers = new ArrayList<>();
        long[] counts = new long[splitSpec.names().size()];
        long rejected;
        try {
            for (String name : splitSpec.names()) {
                Path file = output.resolve(name + suffix);
                CorpusWriter writer = resume ? CorpusWriter.resume(file, columns) : CorpusWriter.create(file, columns);
                if (writer.doneCount() > 0) {
                    spec.commandLine().getErr().printf("data split: resuming %s after %,d records%n", file,
                            writer.doneCount());
                }
                writers.add(writer);
            }
            StratifiedSplit.Assigner assigner = plan.assigner();
            try (RecordStream records = corpus.read()) {
                RecordProgress progress = new RecordProgress("data split", spec.commandLine().getErr(), records::progress);
                for (TextRecord r : records) {
                    progress.step();
                    int split = assigner.assign(r);
                    if (split < 0) {
                        continue;
                    }
                    Map<String, String> extra = new LinkedHashMap<>();
                    if (appended.contains("lang")) {
                        extra.put("lang", r.lang());
                    }
                    if (appended.contains("id")) {
                        extra.put("id", r.id());
                    }
                    CorpusWriter writer = writers.get(split);
                    if (!writer.isDone(r.id())) {
                        writer.write(r, extra);
                    }
                    counts[split]++;
                }
                rejected = records.rejected();
                progress.done();
            }
            for (CorpusWriter w : writers) {
                w.commit();
            }
        } finally {
            for (CorpusWriter w : writers) {
                w.close();
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> files = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            String name = splitSpec.names().get(i);
            files.put(name, Map.of("file", output.resolve(name + suffix).toString(), "records", counts[i]));
        }
        summary.put("splits", files);
        summary.put("duplicates", plan.duplicates());
        summary.put("rejected", rejected);
        summary.put("seed", dataset.seed());
        summary.put("by_stratum", plan.quotas());
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(summary);
        spec.commandLine().getOut().println(json);
        return 0;
    }

    private String extension() {
        Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> Format.CSV;
            case "tsv" -> Format.TSV;
            case "jsonl", "ndjson" -> Format.JSONL;
            case "parquet" -> Format.PARQUET;
            default -> throw new IllegalArgumentException("--format must be csv, tsv, jsonl or parquet, got '" + format + "'");
        };
        Compression c = switch (compress.toLowerCase(Locale.ROOT)) {
            case "none", "" -> Compression.NONE;
            case "gz", "gzip" -> Compression.GZIP;
            case "bz2", "bzip2" -> Compression.BZIP2;
            case "xz" -> Compression.XZ;
            case "zst", "zstd" -> Compression.ZSTD;
            default -> throw new IllegalArgumentException("--compress must be none, gz, bz2, xz or zst, got '" + compress + "'");
        };
        if (f == Format.PARQUET && c != Compression.NONE) {
            throw new IllegalArgumentException("Parquet compresses inside the file; leave out --compress");
        }
        return f.extension() + c.extension();
    }
}
