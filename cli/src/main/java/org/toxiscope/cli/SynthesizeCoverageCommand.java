package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.synthesize.Coverage;
import org.toxiscope.synthesize.CoverageSettings;
import org.toxiscope.synthesize.SynthesisRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope synthesize coverage}: covered, missing and weakly covered targets of a corpus, and its natural-sampling curve. */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = {"Coverage of a target inventory by a corpus: c[f](D) = 1 if some example fires f "
                + "(max-pooled activation > 0); Cov(D) = covered / |T|; missing targets (T_miss) and weakly covered "
                + "ones (firing rate below --weak-below); natural-sampling curve (Cov vs examples drawn at random, "
                + "several seeds).",
            "With --synthesized and --random, one figure of Cov against budget (examples drawn at random from each "
                + "set) for natural sampling of --data, random synthesis and feature-driven synthesis (report "
                + "Fig. 14), also in the JSON (cov_vs_budget).",
            "Writes JSON to --output and an HTML page beside it."},
        footer = {"", "Example:",
            "  toxiscope synthesize coverage --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --targets targets.txt \\",
            "      --data train.jsonl --output coverage.json"})
final class SynthesizeCoverageCommand implements Callable<Integer> {

    @Mixin
    SynthModelOptions modelOptions;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--data", required = true, split = ",", paramLabel = "DATA", description = "The corpus (files or folders).")
    List<String> data;

    @Option(names = "--synthesized", paramLabel = "FILE.jsonl",
            description = "A feature-driven synthesize output: its Cov against budget goes on the comparison figure "
                    + "with natural sampling of --data (report Fig. 14).")
    Path synthesized;

    @Option(names = "--random", paramLabel = "FILE.jsonl",
            description = "A synthesize --strategy random output (the same generator and budget, untargeted) for the "
                    + "same figure.")
    Path random;

    @Mixin
    CoverageOptions coverageOptions;

    @Option(names = "--output", required = true, paramLabel = "FILE.json", description = "Where the coverage JSON goes.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Map<String, Path> sets = new LinkedHashMap<>();
        if (random != null) {
            sets.put("random synthesis", random);
        }
        if (synthesized != null) {
            sets.put("feature-driven synthesis", synthesized);
        }
        Coverage c = SynthesisRun.coverage(modelOptions.choice(), targetOptions.inventory(null), dataset.texts(data),
                sets, coverageOptions.settings(dataset.seed()), output);
        System.out.printf("Cov %.4f: %d of %d targets covered, %d missing, %d weak, over %,d examples%n", c.cov(),
                c.covered().size(), c.targets(), c.missing().size(), c.weak().size(), c.examples());
        return 0;
    }
}
