package org.toxiscope.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.toxiscope.cli.Toxiscope;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;
import org.toxiscope.features.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Texts/s, wall time and peak RSS of one real {@code toxiscope label} run, on random assets of a real Qwen3 shape
 * written in the real file formats and a bundle made by the real {@code train}.
 */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = "Writes a random-weight model of a dense Qwen3 --shape (default qwen3-0.6b; blocks 0..--layer: "
                + "label stops after the SAE layer), a word-level tokenizer and a random top-k SAE at --layer in the "
                + "real formats, trains a logistic-regression bundle on them with 'train' in --dtype, then times one "
                + "'label' run on --texts texts (loading, JSONL in, model, SAE, classifier, CSV out) and prints "
                + "texts/s, GFLOP/s over the whole run and peak RSS.",
        footer = {"", "Example:", "  toxiscope bench label --layer 13 --texts 64 --tokens 48 --dtype bf16"})
final class BenchLabelCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions options;
    /** Enough texts of each label for train's validation split; few, as training is not what is measured. */
    private static final int TRAIN_TEXTS = 16;
    /** Distinct words of the generated texts; each is one token of the corpus-built word-level tokenizer. */
    private static final int WORDS = 1000;

    // Small defaults: writing the assets and training come before the timed run, and all three must fit a minute.
    @Option(names = "--texts", defaultValue = "32", description = "Texts labelled (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--tokens", defaultValue = "16", description = "Tokens per text (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--layer", defaultValue = "3", description = "SAE layer (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--width-factor", defaultValue = "16", description = "SAE width / hidden (default ${DEFAULT-VALUE}).")
    int widthFactor;

    @Option(names = "--k", defaultValue = "50", description = "SAE top-k (default ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() throws IOException {
        BenchShape benchShape = options.shape(BenchShape.QWEN3_0_6B);
        ModelConfig config = options.config(benchShape);
        if (config.isHybrid()) {
            throw new IllegalArgumentException("--shape " + benchShape.id() + ": bench label writes dense Qwen3 "
                    + "checkpoints only");
        }
        int n = config.numLayers();
        if (layer < 0 || layer >= n) {
            throw new IllegalArgumentException("--layer must be in 0.." + (n - 1) + ", got " + layer);
        }
        if (texts < 1 || tokens < 1 || k < 1 || widthFactor < 1) {
            throw new IllegalArgumentException("--texts, --tokens, --k and --width-factor must be >= 1");
        }
        options.printRuntime();
        String[] runtime = {"--device", options.runtime.deviceName(), "--dtype", options.dtype().id()};
        Path dir = Files.createTempDirectory("toxiscope-bench-label");
        try {
            List<String> trainTexts = texts(TRAIN_TEXTS, 1);
            List<String> labelTexts = texts(texts, 2);
            Path train = writeJsonl(dir.resolve("train.jsonl"), trainTexts);
            Path input = writeJsonl(dir.resolve("in.jsonl"), labelTexts);
            DemoShape shape = DemoShape.of(config, layer + 1, widthFactor * config.hiddenSize(), k, List.of(layer));
            Stopwatch build = Stopwatch.start();
            DemoAssets assets = DemoAssets.ensure(dir.resolve("assets"),
                    Stream.concat(trainTexts.stream(), labelTexts.stream()).toList(), shape);
            System.out.printf("assets: random %s shape, blocks 0..%d (hidden %d, MLP %d), word-level "
                    + "tokenizer, SAE width %d, k %d at layer %d; written in %.1f s%n", benchShape.title(), layer,
                    shape.hidden(),
                    shape.intermediate(), shape.saeWidth(), k, layer, build.seconds());
            Path bundle = dir.resolve("bench.tsc");
            Stopwatch training = Stopwatch.start();
            execute(true, runtime, "train", "--model", assets.modelDir().toString(), "--sae",
                    assets.saeDir().toString(), "--layers", Integer.toString(layer), "--data", train.toString(),
                    "--method", "logreg", "--no-cache", "--output", bundle.toString());
            System.out.printf("train: logreg on %d texts in %.1f s (not part of the figures below)%n", TRAIN_TEXTS,
                    training.seconds());
            // The heap left from writing the assets would otherwise be label's peak.
            System.gc();
            boolean ownPeak = MemoryStats.resetPeak();
            Stopwatch labelling = Stopwatch.start();
            execute(false, runtime, "label", "--classifier", bundle.toString(), "--input", input.toString(),
                    "--output", dir.resolve("out.csv").toString());
            double seconds = labelling.seconds();
            // The word-level tokenizer gives one token per word; label computes no logits, so the vocabulary the
            // written model has (the corpus's words) costs nothing here.
            double flops = ForwardCost.flops(config, layer + 1, texts, 0, tokens, false)
                    + 2.0 * shape.hidden() * shape.saeWidth() * texts * tokens;
            System.out.printf("label: %d texts x %d tokens in %.2f s wall = %.1f texts/s, %s over the whole run "
                    + "(one run: loading model, SAE and bundle, JSONL in, CSV out included)%n", texts, tokens,
                    seconds, texts / seconds, options.rate("label", flops, seconds));
            System.out.printf("peak RSS: %d MiB%s%n", MemoryStats.peakRssMiB(),
                    ownPeak ? " (from label's start)" : " (whole process, asset writing included)");
            options.printCompute();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }

    /** {@code count} seeded texts of {@link #tokens} words. */
    private List<String> texts(int count, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < tokens; t++) {
                text.append(t == 0 ? "" : " ").append('w').append(random.nextInt(WORDS));
            }
            out.add(text.toString());
        }
        return out;
    }

    /** Writes {@code texts} as English JSONL records with alternating toxic labels. */
    private static Path writeJsonl(Path file, List<String> texts) throws IOException {
        List<String> lines = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            lines.add("{\"id\":\"t" + i + "\",\"text\":\"" + texts.get(i) + "\",\"lang\":\"en\",\"toxic\":" + (i % 2)
                    + "}");
        }
        return Files.write(file, lines);
    }

    /**
     * Runs toxiscope {@code command} with {@code args} and then the {@code runtime} flags in this process;
     * {@code quiet} keeps its output back unless it fails.
     */
    private static void execute(boolean quiet, String[] runtime, String command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit;
        if (quiet) {
            PrintStream sink = new PrintStream(log, true, StandardCharsets.UTF_8);
            System.setOut(sink);
            System.setErr(sink);
        }
        try {
            exit = Toxiscope.commandLine().execute(Stream.of(Stream.of(command), Stream.of(args), Stream.of(runtime))
                    .flatMap(s -> s).toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (exit != 0) {
            throw new IllegalStateException(command + " failed (exit " + exit + ")"
                    + (quiet ? ":\n" + log.toString(StandardCharsets.UTF_8) : ""));
        }
    }
}
