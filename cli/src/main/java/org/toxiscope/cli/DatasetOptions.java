package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.OnError;
import org.toxiscope.datasets.Sampling;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The corpus flags every command that reads a dataset shares: column mapping, bad-record policy, sampling. Column
 * flags take dotted paths into nested JSON objects and Parquet structs (a key holding the dots itself wins).
 */
public final class DatasetOptions {

    @Option(names = "--text-column", paramLabel = "COL",
            description = "Column holding the text, or a dotted path into nested JSON such as a.b.c "
                    + "(default: first of text, comment_text, content, sentence).")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "COL", split = ",",
            description = "Label column or dotted path; repeat or comma-separate for multi-label, the first is the "
                    + "primary label (default: toxic or label if present, else unlabelled).")
    List<String> labelColumns = new ArrayList<>();

    @Option(names = "--lang-column", paramLabel = "COL",
            description = "Column holding the language code (default: lang or language if present, "
                    + "else a code in the file path such as de.csv or de/train.jsonl).")
    String langColumn;

    @Option(names = "--lang", paramLabel = "XX", description = "One language code for every record.")
    String lang;

    @Option(names = "--id-column", paramLabel = "COL",
            description = "Column holding a unique record id (default: FILE:RECORD, stable across runs).")
    String idColumn;

    @Option(names = "--skip-label", paramLabel = "VALUE", split = ",", defaultValue = "-1",
            description = {"Label value that means 'not scored': a row holding it in any label column read is left "
                    + "out and counted in the summary line; repeat or comma-separate for more, none for no skipping "
                    + "(default ${DEFAULT-VALUE}, Jigsaw test_labels.csv's marker; values given replace it)."})
    List<String> skipLabels;

    @Option(names = "--label-threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Scores >= T are toxic (default ${DEFAULT-VALUE}).")
    double labelThreshold;

    @Option(names = "--columns", paramLabel = "A,B,C", split = ",", hideParamSyntax = true,
            description = "Column names for CSV/TSV files without a header row (the first row is then data).")
    List<String> columns = new ArrayList<>();

    @Option(names = "--on-error", paramLabel = "fail|skip", defaultValue = "fail",
            converter = OnErrorConverter.class,
            description = "fail: stop at the first bad record with FILE:LINE: message (default); "
                    + "skip: leave bad records out, write them with their reason to --rejects, count them.")
    OnError onError;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "Where --on-error skip writes rejected records, one JSON line each "
                    + "(default: rejects.jsonl in the current folder).")
    Path rejects;

    @Option(names = "--sample", paramLabel = "N",
            description = "Use only N records, stratified by (language, label), chosen with --seed; "
                    + "a larger N with the same seed contains the smaller sample.")
    Long sample;

    @Option(names = "--fraction", paramLabel = "F",
            description = "Use only this fraction of the records, stratified like --sample.")
    Double fraction;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed for sampling and splits (default ${DEFAULT-VALUE}).")
    long seed;

    /** The column mapping these flags describe. */
    public ColumnMapping mapping() {
        Path rejectsFile = onError == OnError.SKIP && rejects == null ? Path.of("rejects.jsonl") : rejects;
        return new ColumnMapping(textColumn, labelColumns, langColumn, lang, idColumn, labelThreshold, columns, onError,
                rejectsFile, unscoredMarkers(skipLabels), true);
    }

    /** The --skip-label values as markers: "none" alone means no marker. */
    static List<String> unscoredMarkers(List<String> values) {
        return values.size() == 1 && values.get(0).equalsIgnoreCase("none") ? List.of() : values;
    }

    /** The corpus {@code inputs} name under these flags, cut to --sample or --fraction when given. */
    public Corpus corpus(List<String> inputs) {
        return corpus(inputs, mapping());
    }

    /**
     * As {@link #corpus}, for a command that uses the texts only (label, features, synthesize's seed corpus): no label
     * column is read, so every row is kept whatever its label holds (-1 included), and samples are stratified by
     * language alone.
     */
    public Corpus texts(List<String> inputs) {
        return corpus(inputs, mapping().withoutLabels());
    }

    private Corpus corpus(List<String> inputs, ColumnMapping mapping) {
        if (sample != null && fraction != null) {
            throw new IllegalArgumentException("give --sample or --fraction, not both");
        }
        Corpus corpus = Corpus.of(inputs, mapping);
        if (sample != null) {
            return corpus.sample(Sampling.count(sample, seed));
        }
        if (fraction != null) {
            return corpus.sample(Sampling.fraction(fraction, seed));
        }
        return corpus;
    }

    public long seed() {
        return seed;
    }

    /** Where rejected records go, or null when bad records stop the run. */
    public Path rejectsFile() {
        return mapping().rejects();
    }

    /** Accepts fail/skip in any case. */
    static final class OnErrorConverter implements ITypeConverter<OnError> {
        @Override
        public OnError convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "fail" -> OnError.FAIL;
                case "skip" -> OnError.SKIP;
                default -> throw new TypeConversionException("expected fail or skip, got '" + value + "'");
            };
        }
    }
}
