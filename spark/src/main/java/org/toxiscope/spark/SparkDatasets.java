package org.toxiscope.spark;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.toxiscope.datasets.CorpusFiles;
import org.toxiscope.datasets.Format;

/**
 * Datasets through Spark's own sources on any filesystem Spark reaches: CSV and TSV (header row, RFC 4180 quoting
 * with doubled quotes, fields spanning lines, every column read as text), JSON Lines and Parquet; compressed inputs
 * as Hadoop's codecs read them (.gz, .bz2, ...). Outputs are Spark output folders, committed only when every task
 * succeeded (the {@code _SUCCESS} marker).
 */
final class SparkDatasets {

    private SparkDatasets() {
    }

    /**
     * The format {@code flag} names, else the one {@code path}'s name announces, else (a folder such as an earlier
     * Spark output) the one its first data file announces.
     */
    static Format inputFormat(SparkSession spark, String flag, String path) throws IOException {
        if (flag != null) {
            return Format.named(flag);
        }
        Path p = new Path(path);
        Format named = Format.ofName(p.getName());
        if (named != null) {
            return named;
        }
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.isDirectory(p)) {
            for (FileStatus f : fs.listStatus(p)) {
                if (f.isFile() && !CorpusFiles.hiddenName(f.getPath().getName())) {
                    Format inner = Format.ofName(f.getPath().getName());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        throw new IllegalArgumentException(path + ": cannot tell the format from the name; pass --input-format "
                + "csv|tsv|jsonl|parquet");
    }

    /**
     * Reads {@code path} as {@code format}; {@code headerless} names the columns of CSV/TSV files without a header
     * row (empty: the first row is the header).
     */
    static Dataset<Row> read(SparkSession spark, String path, Format format, List<String> headerless)
            throws IOException {
        Path p = new Path(path);
        FileStatus[] matches = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(p);
        if (matches == null || matches.length == 0) {
            throw new IllegalArgumentException(path + ": no such file or folder (or nothing matches the pattern)");
        }
        try {
            return reader(spark, path, format, headerless);
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared from Scala
            // JSON schema inference and CSV headers are read here, on the driver: name the input with the cause.
            throw new IllegalArgumentException(path + ": cannot read as " + format.name().toLowerCase(Locale.ROOT)
                    + ": " + ToxiscopeSpark.rootMessage(e), e);
        }
    }

    private static Dataset<Row> reader(SparkSession spark, String path, Format format, List<String> headerless) {
        DataFrameReader reader = spark.read().option("mode", "FAILFAST");
        return switch (format) {
            case CSV, TSV -> {
                reader = reader.options(delimited(format)).option("multiLine", "true");
                if (headerless.isEmpty()) {
                    yield reader.option("header", "true").csv(path);
                }
                StructType schema = new StructType();
                for (String column : headerless) {
                    schema = schema.add(column, DataTypes.StringType, true);
                }
                yield reader.option("header", "false").schema(schema).csv(path);
            }
            case JSONL -> reader.json(path);
            case PARQUET -> reader.parquet(path);
        };
    }

    /** CSV options both ways: doubled quotes as RFC 4180 (Spark's default backslash would not round-trip). */
    private static Map<String, String> delimited(Format format) {
        return Map.of("sep", format == Format.TSV ? "\t" : ",", "quote", "\"", "escape", "\"");
    }

    /**
     * Checks before any work that {@code path} may be written: a finished output ({@code _SUCCESS}) is kept unless
     * {@code overwrite}; an unfinished one (a run that died) is replaced.
     */
    static void checkOutput(SparkSession spark, String path, boolean overwrite) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!overwrite && fs.exists(p) && (fs.isFile(p) || fs.exists(new Path(p, "_SUCCESS")))) {
            throw new IllegalArgumentException(path + ": a finished output is already there; pass --overwrite to "
                    + "replace it");
        }
    }

    /** Writes {@code data} to the folder {@code path} as {@code format}, replacing what {@link #checkOutput} allowed. */
    static void write(Dataset<Row> data, String path, Format format, String compression) {
        DataFrameWriter<Row> writer = data.write().mode(SaveMode.Overwrite);
        if (compression != null) {
            writer = writer.option("compression", compression);
        }
        switch (format) {
            case CSV, TSV -> writer.options(delimited(format)).option("header", "true").csv(path);
            case JSONL -> writer.json(path);
            case PARQUET -> writer.parquet(path);
        }
    }

    /** Refuses a CSV/TSV output for columns text files cannot hold (the features' index and value arrays). */
    static void requireNested(Format format, String path) {
        if (format == Format.CSV || format == Format.TSV) {
            throw new IllegalArgumentException(path + ": " + format.name().toLowerCase(Locale.ROOT) + " cannot hold the feature "
                    + "indices and values; write parquet (the default) or jsonl");
        }
    }

    /** {@code schema} with {@code more} appended. */
    static StructType append(StructType schema, List<StructField> more) {
        StructType out = schema;
        for (StructField f : more) {
            out = out.add(f);
        }
        return out;
    }
}
