package org.toxiscope.features.demo;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.toxiscope.common.Digests;
import org.toxiscope.features.io.SafetensorsWriter;
import org.toxiscope.features.io.TorchSaveWriter;
import org.toxiscope.features.io.TorchSaveWriter.F32Tensor;
import org.toxiscope.features.model.RandomWeights;

/**
 * Random assets in the real file formats, made once per corpus and {@link DemoShape} under a cache folder and never
 * rewritten: a random-weight Qwen3 checkpoint (config.json, BF16 model.safetensors, a word-level tokenizer.json built
 * from the corpus) and a random Qwen-Scope-format TopK SAE ({@code layer{n}.sae.pt}) for each of the shape's SAE
 * layers; the embedded demo default is {@link DemoShape#DEMO}.
 */
public final class DemoAssets {

    /** Part of the folder name: bump it whenever what {@link #ensure} writes changes, so old caches are not reused. */
    public static final String VERSION = "1";
    public static final String UNK = "[UNK]";
    /** Qwen's special tokens, appended after the words as Qwen appends them after its BPE vocabulary. */
    public static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    private static final long SEED = 20260521L;
    /** Hugging Face's initializer_range for Qwen3. */
    private static final double INIT_STD = 0.02;
    /** A temporary folder this old belongs to a run that died; younger ones may be another run still writing. */
    private static final Duration STALE = Duration.ofHours(1);

    private final Path root;
    private final DemoShape shape;

    private DemoAssets(Path root, DemoShape shape) {
        this.root = root;
        this.shape = shape;
    }

    /**
     * Returns the assets of {@code shape} for {@code corpusTexts} under {@code cacheDir}, creating them first if absent:
     * built in a temporary folder and renamed into place, so a killed run never leaves a half-made model behind.
     */
    public static DemoAssets ensure(Path cacheDir, List<String> corpusTexts, DemoShape shape) throws IOException {
        if (corpusTexts.isEmpty()) {
            throw new IllegalArgumentException("the demo corpus has no texts to build a vocabulary from");
        }
        Files.createDirectories(cacheDir);
        String name = "demo-v" + VERSION + "-" + digest(shape, corpusTexts);
        Path root = cacheDir.resolve(name);
        removeStale(cacheDir, "." + name + ".tmp-");
        if (Files.isDirectory(root)) {
            return new DemoAssets(root, shape);
        }
        Path tmp = cacheDir.resolve("." + name + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            create(tmp, corpusTexts, shape);
            try {
                Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(root)) {
                    throw e;
                }
                // Another run finished the same assets first; they are identical (seeded), keep theirs.
            }
        } finally {
            deleteTree(tmp);
        }
        return new DemoAssets(root, shape);
    }

    /** The folder holding {@code model/} and the SAE folder. */
    public Path root() {
        return root;
    }

    /** The Hugging Face model folder (config.json, model.safetensors, tokenizer.json). */
    public Path modelDir() {
        return root.resolve("model");
    }

    /** The folder of {@code layer{n}.sae.pt} files; its name carries {@code L0_<k>} so the resolver reads k. */
    public Path saeDir() {
        return root.resolve(saeFolder(shape));
    }

    public int k() {
        return shape.k();
    }

    /** The layers that have an SAE. */
    public List<Integer> layers() {
        return shape.saeLayers();
    }

    private static String saeFolder(DemoShape shape) {
        int w = shape.saeWidth();
        return "SAE-Res-Demo-W" + (w % 1024 == 0 ? w / 1024 + "K" : w) + "-L0_" + shape.k();
    }

    private static void create(Path dir, List<String> texts, DemoShape shape) throws IOException {
        Path model = dir.resolve("model");
        Path sae = dir.resolve(saeFolder(shape));
        Files.createDirectories(model);
        Files.createDirectories(sae);
        List<String> words = words(texts, model.resolve("tokenizer.json"));
        int vocab = words.size() + 1 + SPECIAL_TOKENS.size();
        if (vocab > shape.saeWidth()) {
            throw new IllegalArgumentException("the demo corpus has " + words.size() + " distinct words; at most "
                    + (shape.saeWidth() - 1 - SPECIAL_TOKENS.size()) + " fit the demo SAE");
        }
        int eos = words.size() + 1;
        writeJson(model.resolve("tokenizer.json"), tokenizer(words));
        writeJson(model.resolve("tokenizer_config.json"), tokenizerConfig(words.size() + 1));
        writeJson(model.resolve("config.json"), config(shape, vocab, eos));
        JsonObject generation = new JsonObject();
        generation.addProperty("bos_token_id", eos);
        generation.addProperty("eos_token_id", eos);
        writeJson(model.resolve("generation_config.json"), generation);
        float[] embedding = writeWeights(model.resolve("model.safetensors"), shape, vocab);
        for (int layer : shape.saeLayers()) {
            TorchSaveWriter.write(sae.resolve("layer" + layer + ".sae.pt"), sae(embedding, shape, vocab, layer));
        }
    }

    /**
     * The distinct words of {@code texts} as the demo tokenizer splits them (lowercased, punctuation and each CJK
     * character apart), most frequent first; split by the tokenizer library itself through a vocabulary-less copy.
     */
    private static List<String> words(List<String> texts, Path scratch) throws IOException {
        writeJson(scratch, tokenizer(List.of()));
        Map<String, Integer> counts = new HashMap<>();
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(scratch)
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
            Encoding[] encodings = t.batchEncode(texts, false, false);
            for (int i = 0; i < encodings.length; i++) {
                for (CharSpan span : encodings[i].getCharTokenSpans()) {
                    String word = texts.get(i).substring(span.getStart(), span.getEnd()).toLowerCase(Locale.ROOT);
                    counts.merge(word, 1, Integer::sum);
                }
            }
        }
        counts.keySet().removeAll(SPECIAL_TOKENS);
        counts.remove(UNK);
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }

    private static JsonObject tokenizer(List<String> words) {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", words.size() + 1 + i);
            t.addProperty("content", SPECIAL_TOKENS.get(i));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "BertNormalizer");
        normalizer.addProperty("clean_text", true);
        normalizer.addProperty("handle_chinese_chars", true);
        normalizer.addProperty("strip_accents", false);
        normalizer.addProperty("lowercase", true);
        root.add("normalizer", normalizer);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", JsonNull.INSTANCE);
        root.add("decoder", JsonNull.INSTANCE);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < words.size(); i++) {
            vocab.addProperty(words.get(i), i);
        }
        vocab.addProperty(UNK, words.size());
        model.add("vocab", vocab);
        model.addProperty("unk_token", UNK);
        root.add("model", model);
        return root;
    }

    private static JsonObject tokenizerConfig(int firstSpecial) {
        JsonObject c = new JsonObject();
        c.addProperty("add_bos_token", false);
        c.addProperty("add_prefix_space", false);
        JsonObject decoder = new JsonObject();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("content", SPECIAL_TOKENS.get(i));
            t.addProperty("lstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("rstrip", false);
            t.addProperty("single_word", false);
            t.addProperty("special", true);
            decoder.add(Integer.toString(firstSpecial + i), t);
        }
        c.add("added_tokens_decoder", decoder);
        c.add("bos_token", JsonNull.INSTANCE);
        c.addProperty("clean_up_tokenization_spaces", false);
        c.addProperty("eos_token", "<|im_end|>");
        c.addProperty("model_max_length", 4096);
        c.addProperty("pad_token", "<|endoftext|>");
        c.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        c.addProperty("unk_token", UNK);
        return c;
    }

    private static JsonObject config(DemoShape shape, int vocab, int eos) {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("Qwen3ForCausalLM");
        c.add("architectures", arch);
        c.addProperty("attention_bias", false);
        c.addProperty("attention_dropout", 0.0);
        c.addProperty("bos_token_id", eos);
        c.addProperty("eos_token_id", eos);
        c.addProperty("head_dim", shape.headDim());
        c.addProperty("hidden_act", "silu");
        c.addProperty("hidden_size", shape.hidden());
        c.addProperty("initializer_range", INIT_STD);
        c.addProperty("intermediate_size", shape.intermediate());
        c.addProperty("max_position_embeddings", 4096);
        c.addProperty("max_window_layers", shape.layers());
        c.addProperty("model_type", "qwen3");
        c.addProperty("num_attention_heads", shape.heads());
        c.addProperty("num_hidden_layers", shape.layers());
        c.addProperty("num_key_value_heads", shape.kvHeads());
        c.addProperty("rms_norm_eps", 1e-6);
        c.addProperty("rope_theta", 1000000.0);
        c.add("sliding_window", JsonNull.INSTANCE);
        c.addProperty("tie_word_embeddings", true);
        c.addProperty("torch_dtype", "bfloat16");
        c.addProperty("use_cache", true);
        c.addProperty("use_sliding_window", false);
        c.addProperty("vocab_size", vocab);
        return c;
    }

    /**
     * Writes seeded normal(0, 0.02) weights (norms 1; the projections back into the residual stream, o_proj and
     * down_proj, scaled by 1/sqrt(2 layers) as GPT-2 initialises them, so the current token stays the strongest part
     * of the residual) and returns the embedding as the model reads it (BF16).
     */
    private static float[] writeWeights(Path file, DemoShape shape, int vocab) throws IOException {
        RandomWeights shapes = new RandomWeights(shape.config(vocab));
        List<String> names = new ArrayList<>(List.of("model.embed_tokens.weight"));
        for (int i = 0; i < shape.layers(); i++) {
            for (String part : List.of("input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.o_proj", "self_attn.q_norm", "self_attn.k_norm", "post_attention_layernorm",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                names.add("model.layers." + i + "." + part + ".weight");
            }
        }
        names.add("model.norm.weight");
        SplittableRandom random = new SplittableRandom(SEED);
        SafetensorsWriter writer = new SafetensorsWriter();
        float[] embedding = null;
        for (String name : names) {
            long[] dims = shapes.shape(name).getShape();
            float[] values = new float[Math.toIntExact(shapes.shape(name).size())];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(values, 1f);
            } else {
                double std = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight")
                        ? INIT_STD / Math.sqrt(2.0 * shape.layers()) : INIT_STD;
                for (int i = 0; i < values.length; i++) {
                    values[i] = bf16((float) (random.nextGaussian() * std));
                }
            }
            if (embedding == null) {
                embedding = values;
            }
            writer.addBf16(name, dims, values);
        }
        writer.write(file);
        return embedding;
    }

    /**
     * A Qwen-Scope-format SAE: unit-norm decoder columns, encoder the decoder transposed (tied, so a feature fires on
     * what it writes), zero biases. The first {@code vocab} columns are the model's own token embedding directions, the
     * rest random: a random model's residual stream is dominated by the current token, so features carry word identity
     * and a classifier on them can learn which words are insults. Nothing here sees a label.
     */
    private static Map<String, F32Tensor> sae(float[] embedding, DemoShape shape, int vocab, int layer) {
        int hidden = shape.hidden();
        int width = shape.saeWidth();
        SplittableRandom random = new SplittableRandom(SEED + 1 + layer);
        float[] dec = new float[hidden * width];
        float[] enc = new float[width * hidden];
        float[] column = new float[hidden];
        for (int f = 0; f < width; f++) {
            double norm = 0;
            for (int d = 0; d < hidden; d++) {
                column[d] = f < vocab ? embedding[f * hidden + d] : (float) random.nextGaussian();
                norm += column[d] * (double) column[d];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < hidden; d++) {
                dec[d * width + f] = column[d] * scale;
                enc[f * hidden + d] = column[d] * scale;
            }
        }
        Map<String, F32Tensor> out = new LinkedHashMap<>();
        out.put("W_enc", new F32Tensor(new long[] {width, hidden}, enc));
        out.put("W_dec", new F32Tensor(new long[] {hidden, width}, dec));
        out.put("b_enc", new F32Tensor(new long[] {width}, new float[width]));
        out.put("b_dec", new F32Tensor(new long[] {hidden}, new float[hidden]));
        return out;
    }

    private static float bf16(float v) {
        return Float.intBitsToFloat(SafetensorsWriter.toBf16(v) << 16);
    }

    private static void writeJson(Path file, JsonElement json) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    }

    /** First 16 hex digits of the SHA-256 of the shape and the texts, each length-prefixed so boundaries count. */
    private static String digest(DemoShape shape, List<String> texts) {
        Digests.Sha256 digest = new Digests.Sha256();
        for (String t : Stream.concat(Stream.of(shape.toString()), texts.stream()).toList()) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4).putInt(b.length).array()).update(b);
        }
        return digest.hex().substring(0, 16);
    }

    private static void removeStale(Path cacheDir, String prefix) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE));
        List<Path> stale;
        try (Stream<Path> s = Files.list(cacheDir)) {
            stale = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
        for (Path p : stale) {
            if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
