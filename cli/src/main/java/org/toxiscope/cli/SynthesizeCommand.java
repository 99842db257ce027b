package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.synthesize.DescribeSettings;
import org.toxiscope.synthesize.SteerSettings;
import org.toxiscope.synthesize.SynthesisJob;
import org.toxiscope.synthesize.SynthesisRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code toxiscope synthesize}: generates labelled examples aimed at target features the seed corpus misses, keeps
 * those that really fire their target, writes them resumably as JSON Lines, then the coverage report.
 */
@Command(name = "synthesize", mixinStandardHelpOptions = true, subcommands = SynthesizeCoverageCommand.class,
        description = {"Synthesize labelled safety data aimed at SAE features a seed corpus never activates "
                + "(Qwen-Scope report, section 6).",
            "Targets: --targets FILE, --discover DELTA (discover's .csv or .json), or the classifier's toxic-biased "
                + "features; with --seed-corpus only the targets it misses (T_miss) or covers weakly are synthesized "
                + "for.",
            "Generators: steer (continue seed prompts with h' = h + alpha * d_f at the target's layer) or describe "
                + "(an instruct model writes a request from the feature's explanation, then adversarial rewrites).",
            "A candidate is kept only if its re-encoded text fires the target (max-pooled activation > 0; for steer "
                + "on a generated token: the verified text is prompt + completion, the seed prompt alone does not "
                + "count). Kept examples get the classifier's score and label (harmful/benign).",
            "--seed seeds sampling and generation: the same seed gives the same file, and --resume after an "
                + "interruption gives the file an uninterrupted run gives."},
        footer = {"", "Output: one JSON object per line with id (L<layer>:f<feature>#<k>), text (the verified text), "
                + "prompt, completion, response, target_layer, target_feature, generator, style, alpha, "
                + "feature_activation, feature_position, label, score, lang, attempt, explanation, model, sae, "
                + "classifier, seed, settings; and the coverage report (--report, JSON + HTML).",
            "", "Example:",
            "  toxiscope synthesize --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --classifier toxic.tsc \\",
            "      --seed-corpus train.jsonl --generator steer --samples-per-feature 8 \\",
            "      --alpha 5,20,100 --temperature 0.8 --top-p 0.95 --seed 42 \\",
            "      --output synth.jsonl"})
final class SynthesizeCommand implements Callable<Integer> {

    @Mixin
    SynthModelOptions modelOptions;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--classifier", paramLabel = "FILE", description = "Classifier bundle (.tsc) that labels kept examples (required).")
    Path classifier;

    @Option(names = "--seed-corpus", paramLabel = "DATA", split = ",",
            description = "Seed corpus (files or folders): targets it covers are skipped; its contexts explain the rest.")
    List<String> seedCorpus = new ArrayList<>();

    @Mixin
    CoverageOptions coverageOptions;

    @Option(names = "--generator", defaultValue = "steer", paramLabel = "steer|describe",
            description = "steer or describe (default ${DEFAULT-VALUE}).")
    String generator;

    @Option(names = "--strategy", defaultValue = "feature", paramLabel = "feature|random",
            description = {"feature: aim every candidate at its target and keep those that fire it (default); "
                    + "random: the report's baseline at a matched budget, the same generator and --samples-per-feature "
                    + "candidates per target, none aimed at it and all kept (steer: the same prompts at alpha 0; "
                    + "describe: requests for randomly drawn safety categories)."})
    String strategy;

    @Option(names = "--lens-texts", defaultValue = "32", paramLabel = "N",
            description = "describe: the first N --seed-corpus texts the Query Lens reads to add each target's key and "
                    + "value tokens to its explanation; 0: no lens (default ${DEFAULT-VALUE}; minutes per target "
                    + "on CPU for models of a billion parameters, and an f32 copy of the model while it reads when "
                    + "the run is bf16).")
    long lensTexts;

    @Option(names = "--samples-per-feature", defaultValue = "4", paramLabel = "N",
            description = "Kept examples wanted per target (default ${DEFAULT-VALUE}).")
    int samplesPerFeature;

    @Option(names = "--max-tries", paramLabel = "N",
            description = "Candidates tried per target at most (default: 8 x --samples-per-feature).")
    Integer maxTries;

    @Option(names = "--alpha", defaultValue = "5,20,100", split = ",", paramLabel = "A[,A..]",
            description = "Steering strength schedule: batch b uses the (b mod n)-th value (default ${DEFAULT-VALUE}).")
    double[] alphas;

    @Option(names = "--unit-norm", description = "Steer along the unit-norm decoder direction (default: the raw W_dec column).")
    boolean unitNorm;

    @Option(names = "--steer-positions", defaultValue = "all", paramLabel = "all|generated",
            description = "Add the steering vector at every position, or at generated tokens only (default ${DEFAULT-VALUE}).")
    String steerPositions;

    @Option(names = "--greedy", description = "Greedy decoding instead of sampling.")
    boolean greedy;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "Nucleus sampling mass (default ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Top-k sampling, 0 = off (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--max-new-tokens", defaultValue = "24", paramLabel = "N",
            description = "Tokens generated per candidate (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "N",
            description = "Candidates generated per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--prompts", defaultValue = "templates", paramLabel = "templates|corpus",
            description = "steer: continue the built-in multilingual templates, or texts of --seed-corpus (default ${DEFAULT-VALUE}).")
    String prompts;

    @Option(names = "--max-prompts", defaultValue = "64", paramLabel = "N",
            description = "steer with --prompts corpus: first N seed-corpus texts, cut to 32 tokens (default ${DEFAULT-VALUE}).")
    int maxPrompts;

    @Option(names = "--instruct-model", paramLabel = "DIR_OR_ID",
            description = "Chat model for describe and --responses (default: --model). The tiny test models are not "
                    + "instruct models: the pipeline runs, the text is gibberish.")
    String instructModel;

    @Option(names = "--styles", defaultValue = "roleplay,hypothetical", split = ",", paramLabel = "S[,S..]",
            description = "describe: adversarial rewrite styles (roleplay, hypothetical, indirect, academic, "
                    + "persuasive, or free text) (default ${DEFAULT-VALUE}).")
    List<String> styles;

    @Option(names = "--responses", description = "Add a response from the instruct model: refusal-style for harmful, helpful for benign.")
    boolean responses;

    @Option(names = "--response-tokens", defaultValue = "64", paramLabel = "N", description = "Tokens per response (default ${DEFAULT-VALUE}).")
    int responseTokens;

    @Option(names = "--contexts", defaultValue = "3", paramLabel = "N",
            description = "Top-activating seed-corpus contexts per target explanation (default ${DEFAULT-VALUE}).")
    int contexts;

    @Option(names = "--signature-tokens", defaultValue = "8", paramLabel = "N",
            description = "Logit-lens tokens per target explanation (default ${DEFAULT-VALUE}).")
    int signatureTokens;

    @Option(names = "--output", paramLabel = "FILE.jsonl", description = "Where kept examples go (required).")
    Path output;

    @Option(names = "--report", paramLabel = "FILE.json",
            description = "Coverage report (JSON, and HTML beside it) (default: OUTPUT with .coverage.json).")
    Path report;

    @Option(names = "--resume", description = "Continue the partial output an interrupted run left.")
    boolean resume;

    @Spec
    CommandSpec spec;

    @Option(names = "--overwrite", description = "Delete the partial output an interrupted run left and start over.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (classifier == null || output == null) {
            throw new IllegalArgumentException("--classifier and --output are required");
        }
        ClassifierBundle bundle = ClassifierBundle.load(classifier);
        SynthesisRun.Written written;
        try (ResumeHint hint = ResumeHint.install(spec)) {
            written = SynthesisRun.synthesize(modelOptions.choice(), bundle, classifier.toString(),
                    targetOptions.inventory(bundle), job(), hint::add);
        }
        System.err.printf("synthesize: %,d records in %s; coverage report %s%n", written.records(), written.output(),
                written.report());
        return 0;
    }

    private SynthesisJob job() {
        boolean generatedOnly = switch (steerPositions) {
            case "all" -> false;
            case "generated" -> true;
            default -> throw new IllegalArgumentException("--steer-positions must be all or generated");
        };
        boolean fromCorpus = switch (prompts) {
            case "templates" -> false;
            case "corpus" -> true;
            default -> throw new IllegalArgumentException("--prompts must be templates or corpus");
        };
        SteerSettings steer = null;
        DescribeSettings describe = null;
        switch (generator) {
            case "steer" -> steer = new SteerSettings(alphas, unitNorm, generatedOnly, greedy, temperature, topP, topK,
                    dataset.seed(), maxNewTokens, batch);
            case "describe" -> describe = new DescribeSettings(batch, styles, greedy, temperature, topP, topK,
                    dataset.seed(), maxNewTokens);
            default -> throw new IllegalArgumentException("--generator must be steer or describe, not '" + generator
                    + "'");
        }
        boolean random = switch (strategy) {
            case "feature" -> false;
            case "random" -> true;
            default -> throw new IllegalArgumentException("--strategy must be feature or random, not '" + strategy
                    + "'");
        };
        return new SynthesisJob(seedCorpus.isEmpty() ? null : dataset.texts(seedCorpus), steer, describe, fromCorpus,
                maxPrompts, instructModel, responses ? responseTokens : null, contexts, signatureTokens, lensTexts,
                random,
                samplesPerFeature, maxTries != null ? maxTries : 8 * samplesPerFeature,
                coverageOptions.settings(dataset.seed()), output, report,
                OutputPolicy.of(resume, overwrite, Map.of()).existing());
    }
}
