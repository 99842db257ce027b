package org.toxiscope.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.datasets.Format;
import org.toxiscope.features.model.ComputeDtype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope-spark label}: every input row, in order, with the single-machine label's columns appended
 * ({@code toxic_score} double, {@code toxic} int 0/1, {@code top_features} string, then per further label its score
 * and decision).
 */
@Command(name = "label", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label a dataset on a Spark cluster with a classifier bundle from toxiscope train. Every input "
                + "column is kept; appended as in toxiscope label: toxic_score (double), toxic (0/1), top_features, "
                + "then <label>_score and <label> per further label. The bundle, model and SAE are read on each "
                + "executor from paths every executor can reach (a shared mount, or HF ids in each node's cache), "
                + "once per executor JVM."},
        footer = {"", "Example:",
            "  spark-submit --class org.toxiscope.spark.ToxiscopeSpark toxiscope-spark.jar label \\",
            "      --classifier /shared/toxic.tsc --input s3a://corpus/comments/ --input-format parquet \\",
            "      --output s3a://corpus/comments-labelled/"})
final class SparkLabelJob extends SparkJob {

    @Option(names = "--classifier", required = true, paramLabel = "toxic.tsc",
            description = "Bundle from toxiscope train, at a path every executor can reach.")
    String classifier;

    @Option(names = "--model", paramLabel = "DIR_OR_ID", description = "Where the bundle's model lives on the executors.")
    String model;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID", description = "Where the bundle's SAE lives on the executors.")
    String sae;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Tokens per text at most; only the bundle's own limit, the one training used, is accepted "
                    + "(default: the bundle's).")
    Integer maxTokens;

    private ClassifierBundle bundle;

    @Override
    String name() {
        return "label";
    }

    @Override
    Format defaultOutputFormat(Format input) {
        return input;
    }

    @Override
    void prepare(Format outputFormat) throws Exception {
        bundle = ClassifierBundle.load(Path.of(classifier));
        ComputeDtype.requireValid(io.dtype); // a bad --dtype fails once here rather than in every task
    }

    @Override
    List<StructField> appended(StructType input) {
        LabelColumns columns = LabelColumns.of(bundle.labelNames(), Arrays.asList(input.fieldNames()));
        columns.renamed().forEach(line -> command.commandLine().getErr().println("label: " + line));
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < columns.names().size(); i++) {
            DataType type = switch (columns.kinds().get(i)) {
                case SCORE -> DataTypes.DoubleType;
                case DECISION -> DataTypes.IntegerType;
                case EXPLANATION -> DataTypes.StringType;
            };
            fields.add(DataTypes.createStructField(columns.names().get(i), type, true));
        }
        return fields;
    }

    @Override
    ChunkedRows<?> rows(ChunkedRows.Spec spec) {
        return new LabelRows(spec, new ExecutorSessions.BundleKey(reachable(classifier), reachable(model),
                reachable(sae), io.device, io.dtype, maxTokens, io.batchTokens));
    }
}
