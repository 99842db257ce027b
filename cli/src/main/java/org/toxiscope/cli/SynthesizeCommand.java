package org.toxiscope.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.synthesize.CandidateSource;
import org.toxiscope.synthesize.CorpusScanner;
import org.toxiscope.synthesize.Coverage;
import org.toxiscope.synthesize.CoverageReport;
import org.toxiscope.synthesize.DescribeGenerator;
import org.toxiscope.synthesize.DescribeSettings;
import org.toxiscope.synthesize.FeatureExplainer;
import org.toxiscope.synthesize.FeatureExplanation;
import org.toxiscope.synthesize.FeatureModel;
import org.toxiscope.synthesize.FiringSets;
import org.toxiscope.synthesize.Responder;
import org.toxiscope.synthesize.SamplingCurve;
import org.toxiscope.synthesize.SeedPrompt;
import org.toxiscope.synthesize.SteerGenerator;
import org.toxiscope.synthesize.SteerSettings;
import org.toxiscope.synthesize.SynthesisRecords;
import org.toxiscope.synthesize.Synthesizer;
import org.toxiscope.synthesize.Target;
import org.toxiscope.synthesize.TextGenerator;
import org.toxiscope.synthesize.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope synthesize}: generates labelled examples aimed at target features the seed corpus misses, keeps
 * those that really fire their target, writes them resumably as JSON Lines, then the coverage report.
 */
@Command(name = "synthesize", mixinStandardHelpOptions = true, subcommands = SynthesizeCoverageCommand.class,
        description = {"Synthesize labelled safety data aimed at SAE features a seed corpus never activates "
                + "(Qwen-Scope report, section 6).",
            "Targets: --targets FILE, --discover CSV, or the classifier's toxic-biased features; with --seed-corpus "
                + "only the targets it misses (T_miss) or covers weakly are synthesized for.",
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

    @Override
    public Integer call() throws Exception {
        if (classifier == null || output == null) {
            throw new IllegalArgumentException("--classifier and --output are required");
        }
        if (!output.getFileName().toString().endsWith(".jsonl")) {
            throw new IllegalArgumentException("--output must be a .jsonl file");
        }
        int tries = maxTries != null ? maxTries : 8 * samplesPerFeature;
        ClassifierBundle bundle = ClassifierBundle.load(classifier);
        List<Target> inventory = targetOptions.inventory(bundle);
        TreeSet<Integer> layers = new TreeSet<>();
        inventory.forEach(t -> layers.add(t.layer()));
        Arrays.stream(bundle.layers()).forEach(layers::add);
        try (FeatureModel model = modelOptions.open(layers)) {
            bundle.checkCompatible(model.checkpoint().configSha256(), model.saeSha256());
            FiringSets seedSets = new FiringSets(inventory);
            FeatureExplainer explainer = new FeatureExplainer(model, inventory, contexts);
            List<Target> todo = inventory;
            if (!seedCorpus.isEmpty()) {
                try (RecordStream records = dataset.corpus(seedCorpus).read()) {
                    long n = CorpusScanner.scan(model, records, 32, seedSets, explainer,
                            done -> System.err.printf("synthesize: seed corpus %,d records%n", done));
                    if (n == 0) {
                        throw new IllegalArgumentException("the seed corpus " + seedCorpus + " has no records");
                    }
                }
                Coverage seed = Coverage.of(seedSets, coverageOptions.weakBelow);
                todo = seed.toSynthesize(inventory);
                System.err.printf("synthesize: seed corpus covers %d of %d targets (Cov %.4f); %d missing, %d weak%n",
                        seed.covered().size(), inventory.size(), seed.cov(), seed.missing().size(), seed.weak().size());
            }
            List<FeatureExplanation> all = explainer.explain(signatureTokens);
            List<FeatureExplanation> todoExplained = new ArrayList<>();
            for (Target t : todo) {
                todoExplained.add(all.get(inventory.indexOf(t)));
            }
            try (InstructModel instruct = openInstruct(model)) {
                CandidateSource source = source(model, instruct);
                Responder responder = responses ? new Responder(instruct.generator(), responseTokens) : null;
                Synthesizer synthesizer = new Synthesizer(source, new Verifier(model, bundle), responder,
                        new Synthesizer.Settings(samplesPerFeature, tries, Map.of(
                                "model", modelOptions.model + " (config sha256 " + model.checkpoint().configSha256() + ")",
                                "sae", modelOptions.sae + " (" + model.saeSha256() + ")",
                                "classifier", classifier.toString(),
                                "seed", Long.toString(dataset.seed()))));
                long start = System.nanoTime();
                try (CorpusWriter out = resume ? CorpusWriter.resume(output, Synthesizer.COLUMNS)
                        : CorpusWriter.create(output, Synthesizer.COLUMNS)) {
                    if (out.doneCount() > 0) {
                        System.err.printf("synthesize: resuming after %,d records%n", out.doneCount());
                    }
                    synthesizer.run(todo, todoExplained, out, (i, total, target, kept, tried) -> System.err.printf(
                            Locale.ROOT, "synthesize: target %d/%d %s: %s, %.1f s%n", i + 1, total, target,
                            tried < 0 ? "done in an earlier run" : "kept " + kept + "/" + samplesPerFeature
                                    + ", tried " + tried + "/" + tries, (System.nanoTime() - start) / 1e9));
                    out.commit();
                }
            }
            writeReport(model, inventory, todo, all, seedSets, tries);
        }
        return 0;
    }

    private CandidateSource source(FeatureModel model, InstructModel instruct) throws java.io.IOException {
        boolean generatedOnly = switch (steerPositions) {
            case "all" -> false;
            case "generated" -> true;
            default -> throw new IllegalArgumentException("--steer-positions must be all or generated");
        };
        return switch (generator) {
            case "steer" -> new SteerGenerator(model, new SteerSettings(alphas, unitNorm, generatedOnly, greedy,
                    temperature, topP, topK, dataset.seed(), maxNewTokens, batch), seedPrompts(model.tokenizer()));
            case "describe" -> new DescribeGenerator(instruct.generator(), new DescribeSettings(batch, styles, greedy,
                    temperature, topP, topK, dataset.seed(), maxNewTokens));
            default -> throw new IllegalArgumentException("--generator must be steer or describe, not '" + generator + "'");
        };
    }

    private List<SeedPrompt> seedPrompts(QwenTokenizer tokenizer) throws java.io.IOException {
        switch (prompts) {
            case "templates":
                return SeedPrompt.TEMPLATES;
            case "corpus":
                if (seedCorpus.isEmpty()) {
                    throw new IllegalArgumentException("--prompts corpus needs --seed-corpus");
                }
                List<SeedPrompt> out = new ArrayList<>();
                try (RecordStream records = dataset.corpus(seedCorpus).read()) {
                    for (TextRecord r : records) {
                        int[] ids = tokenizer.encode(r.text());
                        if (ids.length > 0) {
                            out.add(new SeedPrompt(tokenizer.decode(Arrays.copyOf(ids, Math.min(ids.length, 32))),
                                    r.lang()));
                        }
                        if (out.size() == maxPrompts) {
                            break;
                        }
                    }
                }
                return out;
            default:
                throw new IllegalArgumentException("--prompts must be templates or corpus");
        }
    }

    /** The instruct model: the main model itself unless --instruct-model names another one. */
    private InstructModel openInstruct(FeatureModel model) throws java.io.IOException {
        boolean needed = responses || generator.equals("describe");
        if (!needed || instructModel == null || instructModel.equals(modelOptions.model)) {
            return new InstructModel(new TextGenerator(model.model(), model.tokenizer(), model.manager()), null, null,
                    null);
        }
        ModelCheckpoint checkpoint = ModelCheckpoint.open(instructModel);
        LanguageModel lm = checkpoint.load(Devices.parse(modelOptions.device), -1);
        QwenTokenizer tokenizer = checkpoint.tokenizer();
        return new InstructModel(new TextGenerator(lm, tokenizer, model.manager()), checkpoint, lm, tokenizer);
    }

    /** A chat model for describe and responses, closing what it opened itself. */
    private record InstructModel(TextGenerator generator, ModelCheckpoint checkpoint, LanguageModel model,
                                 QwenTokenizer tokenizer) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            if (checkpoint != null) {
                tokenizer.close();
                model.close();
                checkpoint.close();
            }
        }
    }

    private void writeReport(FeatureModel model, List<Target> inventory, List<Target> todo,
                             List<FeatureExplanation> explanations, FiringSets seedSets, int tries) throws Exception {
        SynthesisRecords records = SynthesisRecords.read(output);
        JsonObject provenance = new JsonObject();
        provenance.addProperty("model", modelOptions.model);
        provenance.addProperty("sae", modelOptions.sae);
        provenance.addProperty("classifier", classifier.toString());
        provenance.addProperty("output", output.toString());
        provenance.addProperty("generator", generator);
        provenance.addProperty("samples_per_feature", samplesPerFeature);
        provenance.addProperty("max_tries", tries);
        provenance.addProperty("seed", dataset.seed());
        CoverageReport coverage = new CoverageReport(inventory, provenance, coverageOptions.weakBelow)
                .targetStats(records.stats(inventory, todo, samplesPerFeature, tries)).explanations(explanations);
        List<Integer> budgets = new ArrayList<>();
        FiringSets synthesized = new FiringSets(inventory);
        CorpusScanner.scan(model, records.texts(null), 32, synthesized, null, n -> { });
        coverage.synthesized("all", synthesized);
        budgets.add(synthesized.size());
        if (records.generators().size() > 1) {
            for (String g : records.generators()) {
                FiringSets sets = new FiringSets(inventory);
                CorpusScanner.scan(model, records.texts(g), 32, sets, null, n -> { });
                coverage.synthesized(g, sets);
                budgets.add(sets.size());
            }
        }
        if (!seedCorpus.isEmpty()) {
            coverage.corpus("seed corpus", seedSets, SamplingCurve.of(seedSets, SamplingCurve.defaultBudgets(
                    seedSets.size(), budgets.stream().mapToInt(Integer::intValue).toArray()),
                    SamplingCurve.seeds(dataset.seed(), coverageOptions.curveSeeds)));
        }
        Path target = report != null ? report : output.resolveSibling(
                output.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".coverage.json");
        coverage.write(target);
        System.err.printf("synthesize: %,d records in %s; coverage report %s%n", records.entries().size(), output,
                target);
    }
}
