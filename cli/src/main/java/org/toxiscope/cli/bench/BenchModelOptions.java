package org.toxiscope.cli.bench;

import ai.djl.Device;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.cli.RuntimeOptions;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.RandomWeights;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags every model benchmark shares (the random model's real shape, its block count, dtype and device), the
 * random-weight load they imply, and the compute figures each prints: the model's achieved GFLOP/s beside the
 * process's matmul peaks and the CPU's bf16 flags.
 */
final class BenchModelOptions {

    @Option(names = "--shape", paramLabel = "NAME", converter = ShapeConverter.class,
            completionCandidates = ShapeConverter.class,
            description = "Real model shape of the random weights: ${COMPLETION-CANDIDATES} (default: the command's).")
    BenchShape shape;

    @Option(names = "--layers", paramLabel = "N", description = "Keep only the shape's first N blocks "
            + "(the layer pattern kept; default: all).")
    Integer layers;

    @Mixin
    RuntimeOptions runtime;

    private ComputeDtype resolved;
    /** The achieved GFLOP/s of each figure {@link #rate} gave, by name, for {@link #printCompute}. */
    private final Map<String, Double> rates = new LinkedHashMap<>();

    /** {@code --shape}, or {@code fallback} where it is not given. */
    BenchShape shape(BenchShape fallback) {
        return shape != null ? shape : fallback;
    }

    /** {@code --shape} alone, or {@code fallback} (in order) where it is not given. */
    List<BenchShape> shapes(List<BenchShape> fallback) {
        return shape != null ? List.of(shape) : fallback;
    }

    /** The config of {@code s} cut to {@code --layers}. */
    ModelConfig config(BenchShape s) {
        if (layers != null && layers < 1) {
            throw new IllegalArgumentException("--layers must be >= 1, got " + layers);
        }
        return s.config(layers);
    }

    Device device() {
        return runtime.device();
    }

    /** {@code --dtype} resolved on {@link #device} (auto announces its choice once). */
    ComputeDtype dtype() {
        if (resolved == null) {
            ComputeDtype.Choice choice = runtime.dtype();
            choice.announce();
            resolved = choice.dtype();
        }
        return resolved;
    }

    /** Fresh random weights of {@code config}, blocks {@code 0..lastBlock} (all and the head at -1). */
    LanguageModel load(ModelConfig config, int lastBlock) {
        return LanguageModel.load(config, new RandomWeights(config), device(), dtype(), lastBlock);
    }

    /** Prints the dtype in use and the threads torch may use. */
    void printRuntime() {
        System.out.printf("dtype: %s; threads: %d available processors, torch threads %s%n", dtype().id(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
    }

    /** {@code flops} done in {@code seconds} as "N GFLOP/s", kept under {@code name} for {@link #printCompute}. */
    String rate(String name, double flops, double seconds) {
        double gflops = flops / seconds / 1e9;
        rates.put(name, gflops);
        return String.format("%.0f GFLOP/s", gflops);
    }

    /**
     * Measures the matmul peaks on the device now, after the timed work (so that they meet the same load as its
     * end), and prints them, the CPU's bf16 flags and each {@link #rate} as a share of the peak of the dtype in use.
     */
    void printCompute() {
        MatmulPeaks peaks = MatmulPeaks.measure(device());
        System.out.println(peaks.describe(device()));
        StringBuilder line = new StringBuilder("model matmuls, share of the " + dtype().id() + " peak:");
        rates.forEach((name, gflops) -> line.append(String.format(" %s %.0f%%;", name,
                100 * gflops / peaks.of(dtype()))));
        System.out.println(line.substring(0, line.length() - 1));
    }

    /** Reads {@code --shape} names, listing the known ones on a bad value; iterates over them for the help. */
    static final class ShapeConverter implements CommandLine.ITypeConverter<BenchShape>, Iterable<String> {
        @Override
        public BenchShape convert(String value) {
            try {
                return BenchShape.named(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(BenchShape.values()).map(BenchShape::id).iterator();
        }
    }
}
