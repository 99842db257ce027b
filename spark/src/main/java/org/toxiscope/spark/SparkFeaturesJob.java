package org.toxiscope.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.toxiscope.common.HfCache;
import org.toxiscope.datasets.Format;
import org.toxiscope.features.extract.LayerSelection;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.sae.SaeResolver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope-spark features}: every input row with its pooled SAE features appended as a struct of
 * {@code indices} and {@code values} ({@code features}, or {@code features_L<n>} per layer with --layers).
 */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode a dataset's texts with the SAE on a Spark cluster: every input column is kept and the "
                + "text's pooled features are appended as a struct {indices: array<int>, values: array<float>} "
                + "(indices ascending): column 'features' with --layer, 'features_L<n>' per layer with --layers. "
                + "Written as Parquet unless --output-format or the output's name says jsonl."},
        footer = {"", "Example:",
            "  spark-submit --class org.toxiscope.spark.ToxiscopeSpark toxiscope-spark.jar features \\",
            "      --model /shared/Qwen3-1.7B-Base --sae /shared/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 \\",
            "      --input hdfs:///corpus/comments.jsonl --output hdfs:///corpus/features-L14"})
final class SparkFeaturesJob extends SparkJob {

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_ID",
            description = "Model folder every executor can reach, or a HF id in each node's cache.")
    String model;

    @Option(names = "--sae", required = true, paramLabel = "PATH_OR_ID",
            description = "SAE file or folder every executor can reach, or a HF id in each node's cache.")
    String sae;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Layers layers;

    static final class Layers {
        @Option(names = "--layer", paramLabel = "L", description = "The SAE layer: residual at the output of block L.")
        Integer layer;

        @Option(names = "--layers", paramLabel = "SPEC", description = "Several layers in one pass: e.g. 3,8-20 or all.")
        String spec;
    }

    @Option(names = "--k", paramLabel = "K", description = "Top-k of the SAE (default: from the release name or cfg).")
    Integer k;

    @Option(names = "--relu", negatable = true,
            description = "ReLU before top-k, or --no-relu none (default: the SAE format's own convention, as in "
                    + "toxiscope features: none for Qwen-Scope files, ReLU for SAELens top-k).")
    Boolean relu;

    @Option(names = "--pool", defaultValue = "max", paramLabel = "max|mean|sum|last",
            description = "Pooling over a text's tokens (default ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = "--max-tokens", defaultValue = "0", paramLabel = "N",
            description = "Cut texts to N tokens, counting how many were cut (default 0: the model's "
                    + "max_position_embeddings from config.json).")
    int maxTokens;

    @Option(names = "--max-batch", defaultValue = "" + SessionSpec.DEFAULT_MAX_BATCH, paramLabel = "N",
            description = "Texts per batch at most.")
    int maxBatch;

    private SessionSpec session;

    @Override
    String name() {
        return "features";
    }

    @Override
    Format defaultOutputFormat(Format input) {
        return Format.PARQUET;
    }

    @Override
    void prepare(Format outputFormat) throws Exception {
        SparkDatasets.requireNested(outputFormat, io.output);
        // Settings are checked here, so a bad flag fails once on the driver rather than in every task.
        List<Integer> layerList = layers.layer != null ? List.of(layers.layer)
                : LayerSelection.parse(layers.spec,
                        new SaeResolver(HfCache.fromEnvironment()).availableLayers(reachable(sae)));
        session = SessionSpec.of(reachable(model), reachable(sae), layerList).withSae(k, relu)
                .withExtraction(Pooling.parse(pool), maxTokens, io.batchTokens, maxBatch).withDevice(io.device)
                .withDtype(io.dtype);
    }

    @Override
    List<StructField> appended(StructType input) {
        StructType sparse = new StructType()
                .add("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        List<StructField> fields = new ArrayList<>();
        for (int layer : session.layers()) {
            String name = layers.layer != null ? "features" : "features_L" + layer;
            if (Arrays.asList(input.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(io.input + ": the input already has a column '" + name + "'");
            }
            fields.add(DataTypes.createStructField(name, sparse, false));
        }
        return fields;
    }

    @Override
    ChunkedRows<?> rows(ChunkedRows.Spec spec) {
        return new FeatureRows(spec, session);
    }
}
