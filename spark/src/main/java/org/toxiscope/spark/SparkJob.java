package org.toxiscope.spark;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Format;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The driver side both jobs share: read the input with Spark, find the text column, optionally spread it over
 * chunk-aligned partitions, run the job's partition function on the executors, write the output folder (committed
 * only when every task succeeded), and report counts and rate.
 */
abstract class SparkJob implements Callable<Integer> {

    @Mixin
    JobOptions io;

    @Spec
    CommandSpec command;

    /** The job's name in messages. */
    abstract String name();

    /** The output format when neither --output-format nor the output's name tells. */
    abstract Format defaultOutputFormat(Format input);

    /** Checks the job's own flags and opens what the driver needs, before Spark reads anything. */
    abstract void prepare(Format outputFormat) throws Exception;

    /** The columns appended to {@code input}'s. */
    abstract List<StructField> appended(StructType input);

    /** The executors' function over partitions. */
    abstract ChunkedRows<?> rows(ChunkedRows.Spec spec);

    @Override
    public Integer call() throws Exception {
        boolean started = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession.Builder builder = SparkSession.builder().appName("toxiscope " + name());
        if (io.master != null) {
            builder = builder.master(io.master);
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark);
        } finally {
            if (started) {
                spark.stop();
            }
        }
        return 0;
    }

    private void run(SparkSession spark) throws Exception {
        Format inputFormat = SparkDatasets.inputFormat(spark, io.inputFormat, io.input);
        String outputName = new org.apache.hadoop.fs.Path(io.output).getName();
        Format outputFormat = io.outputFormat != null ? Format.named(io.outputFormat)
                : Objects.requireNonNullElse(Format.ofName(outputName), defaultOutputFormat(inputFormat));
        boolean skip = io.skipBadRecords();
        if (io.chunk < 1) {
            throw new IllegalArgumentException("--chunk must be at least 1, got " + io.chunk);
        }
        prepare(outputFormat);
        SparkDatasets.checkOutput(spark, io.output, io.overwrite);

        Dataset<Row> input = SparkDatasets.read(spark, io.input, inputFormat, io.columns);
        StructType schema = input.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        String text = ColumnMapping.defaults().withText(io.textColumn).textColumnAmong(names);
        if (text == null || !names.contains(text)) {
            throw new IllegalArgumentException(io.input + ": " + (text == null
                    ? "no text column (looked for text, comment_text, content, sentence among " + names
                            + "); pass --text-column"
                    : "no column '" + text + "' (columns: " + names + ")"));
        }
        JavaRDD<Row> rows = input.javaRDD();
        if (io.partitions != null) {
            rows = ChunkAlignedPartitions.spread(rows, io.partitions, io.chunk);
        }
        int partitions = rows.getNumPartitions();
        var sc = spark.sparkContext();
        ChunkedRows.Counters counters = new ChunkedRows.Counters(sc.longAccumulator("records"),
                sc.longAccumulator("skipped"), sc.longAccumulator("partitions"), sc.longAccumulator("model loads"));
        ChunkedRows.Spec spec = new ChunkedRows.Spec(io.input, text, names.indexOf(text), names.indexOf("id"),
                io.chunk, skip, io.failOnce ? Math.min(1, partitions - 1) : -1, counters);
        Dataset<Row> output = spark.createDataFrame(rows.mapPartitions(rows(spec)),
                SparkDatasets.append(schema, appended(schema)));

        PrintWriter err = command.commandLine().getErr();
        JobProgress progress = new JobProgress(name(), partitions, counters, err);
        sc.addSparkListener(progress);
        try {
            SparkDatasets.write(output, io.output, outputFormat, io.compression);
        } finally {
            sc.listenerBus().waitUntilEmpty();
            sc.removeSparkListener(progress);
        }
        double seconds = progress.seconds();
        long records = counters.records().value();
        err.printf("%s: wrote %s (%s, %,d records in %d partitions, %.1f s, %.1f records/s; model opened in "
                        + "%d executor JVM(s) that had not opened it before)%n", name(), io.output,
                outputFormat.name().toLowerCase(Locale.ROOT), records, partitions, seconds,
                records / Math.max(seconds, 1e-9), counters.loads().value());
        if (counters.skipped().value() > 0) {
            err.printf("%s: %,d records without text were left out (--on-error skip)%n", name(),
                    counters.skipped().value());
        }
    }

    /** A path that exists here made absolute (executors do not share the driver's working folder); ids as given. */
    static String reachable(String spec) {
        return spec != null && Files.exists(Path.of(spec)) ? Path.of(spec).toAbsolutePath().toString() : spec;
    }
}
