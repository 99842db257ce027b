package org.toxiscope.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.RandomWeights;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prefill and decode tokens/s of a random-weight Qwen3.5-2B-shaped hybrid model against a Qwen3-1.7B-shaped
 * transformer, in one run (loaded one after the other, each closed before the next).
 */
@Command(name = "qwen35", mixinStandardHelpOptions = true,
        description = "Prefill and decode tokens/s on random weights of the Qwen3-1.7B shape (28 layers, hidden 2048, "
                + "16/8 heads of 128, MLP 6144, vocab 151936) and of the Qwen3.5-2B shape (24 layers, 3 Gated DeltaNet "
                + "to 1 gated attention, hidden 2048, 8/2 heads of 256, linear 16/16 heads of 128, MLP 6144, vocab "
                + "248320), one after the other. --layers cuts both to fewer blocks (same pattern) to save memory.",
        footer = {"", "Speed depends on torch's thread count (set it with TOXISCOPE_JAVA_OPTS=-Dai.djl.pytorch.num_threads=N)",
            "and on other load on the machine: best-of figures are the least disturbed.", "",
            "Example:", "  toxiscope bench qwen35 --batch 1 --seq 256 --decode-steps 16",
            "  toxiscope bench qwen35 --layers 8 --seq 128"})
final class BenchQwen35Command implements Callable<Integer> {

    private static final String QWEN3_1_7B = """
            {"model_type": "qwen3", "hidden_size": 2048, "num_hidden_layers": 28, "num_attention_heads": 16,
             "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 6144, "vocab_size": 151936,
             "rms_norm_eps": 1e-6, "rope_theta": 1000000, "tie_word_embeddings": true, "eos_token_id": 151643}""";

    private static final String QWEN3_5_2B = """
            {"model_type": "qwen3_5", "tie_word_embeddings": true, "text_config": {
             "model_type": "qwen3_5_text", "hidden_size": 2048, "num_hidden_layers": 24, "full_attention_interval": 4,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 256, "attn_output_gate": true,
             "intermediate_size": 6144, "vocab_size": 248320, "rms_norm_eps": 1e-6,
             "linear_num_key_heads": 16, "linear_num_value_heads": 16, "linear_key_head_dim": 128,
             "linear_value_head_dim": 128, "linear_conv_kernel_dim": 4, "tie_word_embeddings": true,
             "rope_parameters": {"rope_type": "default", "rope_theta": 10000000, "partial_rotary_factor": 0.25,
                                 "mrope_section": [11, 11, 10], "mrope_interleaved": true}}}""";

    @Option(names = "--layers", description = "Use only this many blocks of each model (default: all).")
    Integer layers;

    @Option(names = "--batch", defaultValue = "1", description = "Sequences per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "256",
            description = "Prompt tokens per sequence (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--decode-steps", defaultValue = "16",
            description = "Timed decode steps (default ${DEFAULT-VALUE}).")
    int decodeSteps;

    @Option(names = "--repeats", defaultValue = "2",
            description = "Timed prefills after one warm-up (default ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || seq < 1 || decodeSteps < 1 || repeats < 1 || (layers != null && layers < 1)) {
            throw new IllegalArgumentException("--batch, --seq, --decode-steps, --repeats and --layers must be >= 1");
        }
        System.out.printf("threads: %d available processors, torch threads %s; batch %d, prompt %d tokens, "
                + "%d decode steps%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"), batch, seq, decodeSteps);
        run("Qwen3-1.7B shape", config(QWEN3_1_7B));
        run("Qwen3.5-2B shape", config(QWEN3_5_2B));
        return 0;
    }

    private ModelConfig config(String json) throws IOException {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        if (layers != null) {
            JsonObject text = root.has("text_config") ? root.getAsJsonObject("text_config") : root;
            text.addProperty("num_hidden_layers", Math.min(layers, text.get("num_hidden_layers").getAsInt()));
        }
        return ModelConfig.parse(root, "built-in shape");
    }

    private void run(String name, ModelConfig config) {
        Stopwatch load = Stopwatch.start();
        try (LanguageModel model = LanguageModel.load(config, new RandomWeights(config), Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            System.out.printf("%s: %d layers, random init %.1f s%n", name, config.numLayers(), load.seconds());
            int[][] prompts = RandomTokens.ids(batch, seq, config.vocabSize(), 7);
            Stopwatch.Times prefill = Stopwatch.repeat(1, repeats, () -> prefill(model, manager, prompts));
            Stopwatch.Times steps = decode(model, manager, prompts, config.vocabSize());
            System.out.printf("  prefill: %.1f tokens/s best, %.1f mean (%.2f s best per %d x %d batch)%n",
                    batch * seq / prefill.min(), batch * seq / prefill.mean(), prefill.min(), batch, seq);
            System.out.printf("  decode:  %.2f tokens/s best, %.2f mean (%.0f ms best per step of %d sequences)%n",
                    batch / steps.min(), batch / steps.mean(), steps.min() * 1e3, batch);
        }
    }

    /** One prefill of {@code prompts} into a fresh state. */
    private static void prefill(LanguageModel model, NDManager manager, int[][] prompts) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray();
        }
    }

    /** Seconds of each decode step after a prefill of {@code prompts} (one untimed warm-up step). */
    private Stopwatch.Times decode(LanguageModel model, NDManager manager, int[][] prompts, int vocab) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE));
            int[][] next = RandomTokens.ids(prompts.length, 1, vocab, 1);
            return Stopwatch.repeat(1, decodeSteps, () -> {
                try (NDManager local = step.newSubManager()) {
                    model.forward(local, next, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits()
                            .toFloatArray();
                }
            });
        }
    }
}
