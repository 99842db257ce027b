package org.toxiscope.spark;

import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ComputeDtype;
import picocli.CommandLine.Option;

/**
 * The flags both jobs share: input and output, text column, partitioning and batching, device and dtype, bad-record
 * policy.
 */
final class JobOptions {

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "File, folder or glob Spark reads (any filesystem it reaches: file:, hdfs:, s3a:, ...).")
    String input;

    @Option(names = "--input-format", paramLabel = "csv|tsv|jsonl|parquet",
            description = "Default: from the input's name (a .gz/.bz2 suffix is skipped), or its first data file's.")
    String inputFormat;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder (Spark writes part files).")
    String output;

    @Option(names = "--output-format", paramLabel = "csv|tsv|jsonl|parquet", description = "Default: see the job.")
    String outputFormat;

    @Option(names = "--compression", paramLabel = "CODEC",
            description = "Output compression Spark knows for the format (gzip, bzip2, zstd, snappy, none).")
    String compression;

    @Option(names = "--overwrite", description = "Replace a finished output (one with _SUCCESS); an unfinished one is "
            + "always replaced.")
    boolean overwrite;

    @Option(names = "--text-column", paramLabel = "COL",
            description = "Column holding the text (default: first of text, comment_text, content, sentence).")
    String textColumn;

    @Option(names = "--columns", paramLabel = "A,B,C", split = ",", hideParamSyntax = true,
            description = "Column names for CSV/TSV files without a header row.")
    List<String> columns = new ArrayList<>();

    @Option(names = "--on-error", defaultValue = "fail", paramLabel = "fail|skip",
            description = "A record without text: fail names it and stops (default); skip leaves it out and counts it.")
    String onError;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spread the input over N partitions in input order, each a whole number of chunks, so "
                    + "every chunk is the one a single-machine run forms (default: Spark's own input splits).")
    Integer partitions;

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, paramLabel = "N",
            description = "Records handed to the model at once, as in toxiscope label (default ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
            description = "Where each executor runs the model; gpu: the GPU Spark gave the task "
                    + "(spark.task.resource.gpu.amount), else GPU 0 (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dtype", defaultValue = ComputeDtype.AUTO, paramLabel = "auto|bf16|f32",
            description = ComputeDtype.FLAG_HELP + " Auto without a bundle is decided on each executor for its device.")
    String dtype;

    @Option(names = "--batch-tokens", defaultValue = "" + SessionSpec.DEFAULT_BATCH_TOKENS, paramLabel = "N",
            description = "Padded tokens per forward batch (default ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (e.g. local[4]).")
    String master;

    @Option(names = "--fail-once", hidden = true,
            description = "Testing: the first attempt of one task fails after its first chunk, so Spark retries it.")
    boolean failOnce;

    boolean skipBadRecords() {
        return switch (onError) {
            case "fail" -> false;
            case "skip" -> true;
            default -> throw new IllegalArgumentException("--on-error must be fail or skip, not '" + onError + "'");
        };
    }
}
