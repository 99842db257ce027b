package org.toxiscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope demo}: the whole pipeline on the embedded default (a random-weight Qwen3 checkpoint and Qwen-Scope
 * format SAEs made once under the cache folder) and the shipped multilingual sample, each step a real command.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole toolkit with no model download: split the shipped multilingual sample, extract "
                + "SAE features, train the paper's rule and a logistic regression, write an eval report, label the "
                + "held-out file and synthesize a few steered samples, on an embedded default model made once under "
                + "the cache folder. The demo model has random weights: its numbers show the pipeline working, not "
                + "toxicity knowledge.",
            "Each step is the real command, printed before it runs, so you can rerun it on your own data and models."},
        footer = {"", "Example:", "  toxiscope demo", "  toxiscope demo --output-dir /tmp/demo"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--output-dir", defaultValue = "toxiscope-demo", paramLabel = "DIR",
            description = "Where the demo's outputs go (default: ./${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache for the embedded model and features (default: $XDG_CACHE_HOME/toxiscope or "
                    + "~/.cache/toxiscope).")
    Path cacheDir;

    @Option(names = "--samples-per-feature", defaultValue = "2", paramLabel = "N",
            description = "Steered samples kept per target feature (default ${DEFAULT-VALUE}).")
    int samplesPerFeature;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Path cache = cacheDir != null ? cacheDir : CachePaths.root();
        Path dir = outputDir.toAbsolutePath();
        Files.createDirectories(dir);
        out.println("toxiscope demo: the demo model has RANDOM weights. The numbers below show the pipeline working "
                + "end to end, not toxicity knowledge; see README 'Use it on real models'.");
        out.println();

        step(out, 1, "embedded default model and SAEs (made once)");
        Path sample = SampleCorpus.copyTo(dir.resolve("data"));
        DemoAssets assets = DemoAssets.ensure(cache.resolve("demo"), texts(sample), DemoShape.DEMO);
        String model = assets.modelDir().toString();
        String sae = assets.saeDir().toString();
        out.printf("  model: %s%n  SAEs:  %s (layers %s, k %d)%n", model, sae, assets.layers(), assets.k());

        Path splits = dir.resolve("data");
        Path train = splits.resolve("train.jsonl");
        Path test = splits.resolve("test.jsonl");
        String features = cache.resolve("features").toString();
        Path rule = dir.resolve("rule.tsc");
        Path logreg = dir.resolve("logreg.tsc");
        Path report = dir.resolve("report");
        Path labelled = dir.resolve("test.labelled.csv");
        Path synth = dir.resolve("synth.jsonl");

        run(out, 2, "split the sample 75/25 by language and label",
                "data", "split", "--input", sample.toString(), "--output", splits.toString(),
                "--splits", "train=0.75,test=0.25", "--seed", "42");
        run(out, 3, "SAE features of the held-out texts at every layer, one pass",
                "features", "--model", model, "--sae", sae, "--layers", "all", "--input", test.toString(),
                "--cache", features, "--output", dir.resolve("test.features.jsonl").toString());
        run(out, 4, "train the report's OR rule (top-5 toxic features of the best layer by top1-diff)",
                "train", "--model", model, "--sae", sae, "--layers", "all", "--data", train.toString(), "--method",
                "rule", "--top-features", "5", "--cache", features, "--output", rule.toString());
        run(out, 5, "train a logistic regression on the pooled features of every layer",
                "train", "--model", model, "--sae", sae, "--layers", "all", "--each-layer", "--data",
                train.toString(), "--method", "logreg", "--cache", features, "--output", logreg.toString());
        run(out, 6, "evaluate both on the held-out split, per language",
                "eval", "--classifier", rule.toString(), "--name", "rule", "--classifier", logreg.toString(),
                "--name", "logreg", "--data", test.toString(), "--report", report.toString());
        run(out, 7, "label the held-out file (every input column kept, predictions appended)",
                "label", "--classifier", logreg.toString(), "--input", test.toString(), "--output", labelled.toString());
        // The rule's features were discovered on this training data, so it covers them all; on real data pass
        // --seed-corpus to synthesize only for the features the corpus misses.
        run(out, 8, "synthesize steered samples for the rule's toxic features (kept only where the target fires)",
                "synthesize", "--model", model, "--sae", sae, "--classifier", rule.toString(), "--generator", "steer",
                "--samples-per-feature", String.valueOf(samplesPerFeature), "--max-new-tokens", "12", "--seed", "42",
                "--output", synth.toString());

        out.println();
        out.printf("toxiscope demo: done in %.0f s. Outputs:%n", (System.nanoTime() - start) / 1e9);
        out.println("  report (open in a browser): " + report.resolve("index.html"));
        out.println("  report numbers:             " + report.resolve("report.json") + ", "
                + report.resolve("per_language.csv"));
        out.println("  classifier bundles:         " + rule + ", " + logreg);
        out.println("  labelled held-out file:     " + labelled);
        out.println("  synthesized samples:        " + synth);
        out.println("  features of held-out texts: " + dir.resolve("test.features.jsonl"));
        out.println("  data splits:                " + splits);
        out.println("Reminder: random weights, so these numbers say nothing about toxicity; run the same commands "
                + "with --model/--sae of a real Qwen checkpoint and its Qwen-Scope SAEs.");
        return 0;
    }

    private static void step(PrintWriter out, int n, String what) {
        out.printf("[%d/8] %s%n", n, what);
        out.flush();
    }

    private void run(PrintWriter out, int n, String what, String... args) {
        step(out, n, what);
        out.println("  $ toxiscope " + String.join(" ", args));
        out.flush();
        CommandLine cl = Toxiscope.commandLine();
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        int exit = cl.execute(args);
        if (exit != 0) {
            throw new IllegalStateException("demo step " + n + " (" + args[0] + ") failed with exit code " + exit);
        }
    }

    private static List<String> texts(Path sample) {
        List<String> texts = new ArrayList<>();
        try (RecordStream records = Corpus.of(sample, ColumnMapping.defaults()).read()) {
            records.forEach(r -> texts.add(r.text()));
        }
        return texts;
    }
}
