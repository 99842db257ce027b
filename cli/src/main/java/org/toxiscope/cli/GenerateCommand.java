package org.toxiscope.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;
import org.toxiscope.features.sae.FeatureSteer;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.TopKSae;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope generate}: continues prompts (greedy or sampled), optionally steered by SAE decoder directions. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue each --prompt with the model (KV cache; all prompts in one batch) and print the "
                + "continuation. With --json, one object per prompt and line, in order:",
            "  {\"prompt\":..., \"prompt_ids\":[...], \"generated_ids\":[...], \"text\":...,"
                + " \"steering\":[{\"layer\":L,\"feature\":F,\"alpha\":A}]}",
            "--steer F:A adds A * W_dec[:, F] (the raw decoder column of SAE feature F) to the output of block "
                + "--layer at every position, prompt and generated alike (see --steer-from, --unit-norm)."},
        footer = {"", "Examples:",
            "  toxiscope generate --model Qwen/Qwen3-1.7B-Base --prompt 'The weather' \\",
            "      --max-new-tokens 20 --greedy --json",
            "  toxiscope generate --model Qwen/Qwen3-1.7B-Base --prompt 'The weather' \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --steer 1234:8 \\",
            "      --steer 77:-4 --temperature 0.7 --top-p 0.9 --seed 1"})
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "Text to continue; repeat for several prompts (generated as one batch).")
    List<String> prompts;

    @Option(names = "--max-new-tokens", defaultValue = "64", paramLabel = "N",
            description = "New tokens per prompt at most (default ${DEFAULT-VALUE}); prompt plus new tokens must fit "
                    + "the model's max_position_embeddings.")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Always take the most likely token (first on ties); "
            + "default: sample with --temperature, --top-k, --top-p and --seed.")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature > 0 (default 1.0).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Sample among the K most likely tokens (default 0: all).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P",
            description = "Sample from the smallest set of tokens with probability >= P (default 1.0: all).")
    Double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Sampling seed: the same seed gives the same output (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ignore-eos", description = "Always generate --max-new-tokens tokens "
            + "(default: a prompt stops at end-of-text).")
    boolean ignoreEos;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID",
            description = "The SAE whose decoder directions --steer adds (file, folder, SAELens folder or HF id).")
    String sae;

    @Option(names = "--layer", paramLabel = "L", description = "Steer the output of block L (the SAE's layer).")
    Integer layer;

    @Option(names = "--k", paramLabel = "K",
            description = "Top-k of the SAE, where its name has no L0_<k> suffix (only used to identify the SAE).")
    Integer k;

    @Option(names = "--steer", paramLabel = "FEATURE:ALPHA",
            description = "Add ALPHA * W_dec[:, FEATURE] at block --layer; repeat to add several features.")
    List<String> steer = new ArrayList<>();

    @Option(names = "--steer-from", defaultValue = "all", paramLabel = "all|generated",
            description = "all: steer prompt and generated positions (default); generated: only new tokens.")
    String steerFrom;

    @Option(names = "--unit-norm",
            description = "Scale each decoder column to unit length before multiplying by ALPHA.")
    boolean unitNorm;

    @Option(names = "--json", description = "One JSON object per prompt and line instead of plain text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Sampling sampling = sampling();
        List<FeatureSteer> terms = steerTerms();
        boolean fromGenerated = switch (steerFrom) {
            case "all" -> false;
            case "generated" -> true;
            default -> throw new IllegalArgumentException("--steer-from must be all or generated, not '" + steerFrom
                    + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        try (ModelCheckpoint checkpoint = model.open(); QwenTokenizer tokenizer = checkpoint.tokenizer();
             NDManager manager = NDManager.newBaseManager(model.runtime.device())) {
            int[][] ids = encode(tokenizer);
            Generator.checkLength(checkpoint.config(), ids, maxNewTokens, "--max-new-tokens");
            float[] vector = terms.isEmpty() ? null : steeringVector(checkpoint, terms, manager);
            int[][] generated = new int[ids.length][];
            ComputeDtype.Choice dtype = model.runtime.dtype();
            try (LanguageModel lm = checkpoint.load(model.runtime.device(), dtype.dtype(), -1)) {
                dtype.announce();
                Generator generator = new Generator(lm);
                // Steering from the first generated position is one position for the whole batch: group by length.
                for (List<Integer> group : groups(ids, fromGenerated)) {
                    int[][] batch = group.stream().map(i -> ids[i]).toArray(int[][]::new);
                    Steering steering = vector == null ? Steering.NONE
                            : new Steering(Map.of(layer, vector), fromGenerated ? batch[0].length : 0);
                    int[][] result = generator.generate(manager, batch, maxNewTokens, sampling, steering, !ignoreEos);
                    for (int j = 0; j < group.size(); j++) {
                        generated[group.get(j)] = result[j];
                    }
                }
            }
            for (int i = 0; i < ids.length; i++) {
                String text = tokenizer.decode(generated[i]);
                if (json) {
                    out.println(json(prompts.get(i), ids[i], generated[i], text, terms));
                } else {
                    if (ids.length > 1) {
                        out.println("--- prompt " + (i + 1) + " of " + ids.length);
                    }
                    out.println(prompts.get(i) + text);
                }
            }
            out.flush();
        }
        return 0;
    }

    private Sampling sampling() {
        if (greedy) {
            if (temperature != null || topK != null || topP != null) {
                throw new IllegalArgumentException("--greedy takes no --temperature, --top-k or --top-p");
            }
            return Sampling.GREEDY;
        }
        return new Sampling(false, temperature == null ? 1.0 : temperature, topK == null ? 0 : topK,
                topP == null ? 1.0 : topP, seed);
    }

    private List<FeatureSteer> steerTerms() {
        if (steer.isEmpty()) {
            if (sae != null || layer != null) {
                throw new IllegalArgumentException("--sae and --layer only serve --steer FEATURE:ALPHA; give one");
            }
            return List.of();
        }
        if (sae == null || layer == null) {
            throw new IllegalArgumentException("--steer needs --sae and --layer (which SAE's decoder, which block)");
        }
        return steer.stream().map(FeatureSteer::parse).toList();
    }

    private int[][] encode(QwenTokenizer tokenizer) {
        int[][] ids = new int[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(prompts.get(i));
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("--prompt " + (i + 1) + " is empty: the model needs at least one "
                        + "token to continue");
            }
        }
        return ids;
    }

    private float[] steeringVector(ModelCheckpoint checkpoint, List<FeatureSteer> terms, NDManager manager)
            throws IOException {
        int blocks = checkpoint.config().numLayers();
        if (layer < 0 || layer >= blocks) {
            throw new IllegalArgumentException("--layer " + layer + " does not exist: " + model.model
                    + " has blocks 0.." + (blocks - 1));
        }
        var saeSpec = new SaeResolver(HfCache.fromEnvironment()).resolve(sae, layer, k, null);
        try (TopKSae decoder = TopKSae.load(saeSpec, manager)) {
            if (decoder.dModel() != checkpoint.config().hiddenSize()) {
                throw new IllegalArgumentException(saeSpec.weights() + ": the SAE reads vectors of " + decoder.dModel()
                        + " values, the model's residual has " + checkpoint.config().hiddenSize());
            }
            return FeatureSteer.vector(decoder, terms, unitNorm);
        }
    }

    /** Prompt indices generated together: all at once, or by prompt length when steering starts after the prompt. */
    private static List<List<Integer>> groups(int[][] ids, boolean byLength) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            groups.computeIfAbsent(byLength ? ids[i].length : 0, x -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }

    private String json(String prompt, int[] promptIds, int[] generatedIds, String text, List<FeatureSteer> terms)
            throws IOException {
        StringWriter buffer = new StringWriter();
        try (JsonWriter w = new JsonWriter(buffer)) {
            w.beginObject().name("prompt").value(prompt).name("prompt_ids").beginArray();
            for (int id : promptIds) {
                w.value(id);
            }
            w.endArray().name("generated_ids").beginArray();
            for (int id : generatedIds) {
                w.value(id);
            }
            w.endArray().name("text").value(text);
            if (!terms.isEmpty()) {
                w.name("steering").beginArray();
                for (FeatureSteer t : terms) {
                    w.beginObject().name("layer").value(layer).name("feature").value(t.feature())
                            .name("alpha").value(Float.valueOf(t.alpha())).name("unit_norm").value(unitNorm)
                            .endObject();
                }
                w.endArray();
            }
            w.endObject();
        }
        return buffer.toString();
    }
}
