package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.CheckpointCopies;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.io.MalformedFileException;
import org.toxiscope.features.io.SafetensorsWriter;

/**
 * A checkpoint is checked before anything is computed: config.json field by field, its counts against the tensors
 * present, every tensor's shape against the config (naming the tensor and both shapes), and the weights finite.
 */
class CheckpointValidationTest {

    private static final String TINY = """
            {"model_type": "qwen3", "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
             "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 16, "vocab_size": 32,
             "rms_norm_eps": 1e-6, "rope_theta": 1000000, "tie_word_embeddings": true, "eos_token_id": 3}""";

    @TempDir
    Path tmp;

    // ---- config.json fields ----

    @Test
    void configFieldsOfTheWrongTypeOrRangeNameTheFileAndField() {
        assertConfigError("hidden_size", o -> o.addProperty("hidden_size", "abc"), "expected a number");
        assertConfigError("hidden_size", o -> o.add("hidden_size", new JsonObject()), "expected a number");
        assertConfigError("num_attention_heads", o -> o.addProperty("num_attention_heads", 1.5), "expected an integer");
        assertConfigError("num_attention_heads", o -> o.addProperty("num_attention_heads", 0), "1..");
        assertConfigError("vocab_size", o -> o.addProperty("vocab_size", 4294967304L), "1..");
        assertConfigError("num_hidden_layers", o -> o.addProperty("num_hidden_layers", 1e9), "1..4096");
        assertConfigError("num_key_value_heads", o -> o.addProperty("num_key_value_heads", 3), "1..2");
        assertConfigError("rope_theta", o -> o.addProperty("rope_theta", 0), "above 0");
        assertConfigError("rope_theta", o -> o.addProperty("rope_theta", -1e4), "above 0");
        assertConfigError("rope_theta", o -> o.addProperty("rope_theta", "NaN"), "expected a number");
        assertConfigError("rms_norm_eps", o -> o.addProperty("rms_norm_eps", -1), "above 0");
        assertConfigError("tie_word_embeddings", o -> o.addProperty("tie_word_embeddings", "yes"), "true or false");
        assertConfigError("num_attention_heads", o -> {
            o.remove("head_dim");
            o.addProperty("num_attention_heads", 3);
            o.addProperty("num_key_value_heads", 3);
        }, "does not divide hidden_size 8");
        assertConfigError("intermediate_size", o -> o.remove("intermediate_size"), "dense MLP");
    }

    @Test
    void anUnquotedNanIsRefused() throws IOException {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, TINY.replace("\"rope_theta\": 1000000", "\"rope_theta\": NaN"));
        IOException e = assertThrows(MalformedFileException.class, () -> ModelConfig.read(config));
        // gson's lenient reader takes a bare NaN for a string.
        assertEquals(config + ": field 'rope_theta' is \"NaN\", expected a number", e.getMessage());
    }

    @Test
    void aConfigThatIsNotUtf8IsRefusedNamingTheFile() throws IOException {
        Path config = tmp.resolve("config.json");
        byte[] text = TINY.getBytes(StandardCharsets.UTF_8);
        text[text.length - 3] = (byte) 0xff;
        Files.write(config, text);
        IOException e = assertThrows(IOException.class, () -> ModelConfig.read(config));
        assertTrue(e.getMessage().startsWith(config + ": not UTF-8 text"), e.getMessage());
    }

    private static void assertConfigError(String field, Consumer<JsonObject> edit, String problem) {
        JsonObject root = JsonParser.parseString(TINY).getAsJsonObject();
        edit.accept(root);
        IOException e = assertThrows(MalformedFileException.class, () -> ModelConfig.parse(root, "m/config.json"));
        assertTrue(e.getMessage().startsWith("m/config.json: field '" + field + "' "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    // ---- counts against the tensors present ----

    @Test
    void aBillionLayersFailAtOnceNamingTheMissingTensor() throws IOException {
        Path model = fixtureWithConfig("qwen3-tiny", o -> o.addProperty("num_hidden_layers", 4000));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(MalformedFileException.class, () -> ModelCheckpoint.open(model.toString())));
        assertEquals(model + ": config.json gives num_hidden_layers 4000 but the checkpoint has no tensor"
                + " 'model.layers.3999.input_layernorm.weight'", e.getMessage());
    }

    @Test
    void moreExpertsThanTheCheckpointHoldsFailAtOpen() throws IOException {
        Path model = fixtureWithConfig("qwen3moe-tiny", o -> o.addProperty("num_experts", 60000));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(MalformedFileException.class, () -> ModelCheckpoint.open(model.toString())));
        assertEquals(model + ": config.json gives num_experts 60000 but the checkpoint has no tensor"
                + " 'model.layers.1.mlp.experts.59999.gate_proj.weight'", e.getMessage());
    }

    // ---- tokenizer against the model ----

    @Test
    void aTokenizerWithIdsPastTheVocabularyIsRefusedNamingBothFiles() throws IOException {
        Path model = fixtureWithConfig("qwen3-tiny", o -> { });
        int vocab = ModelConfig.read(model.resolve("config.json")).vocabSize();
        JsonObject tokenizer = JsonParser.parseString(
                Files.readString(SharedFixtures.path("qwen3-tiny/tokenizer.json"))).getAsJsonObject();
        // Qwen's ids end at 151668; 300 more added tokens run past the embedding's 151936 rows.
        CheckpointCopies.addSpecialTokens(tokenizer, 151669, 300);
        Path file = model.resolve("tokenizer.json");
        Files.writeString(file, tokenizer.toString());
        try (QwenTokenizer unchecked = QwenTokenizer.open(file)) {
            assertArrayEquals(new int[] {151968}, unchecked.encode("<|extra_299|>"), "the library's own id");
        }
        try (ModelCheckpoint checkpoint = ModelCheckpoint.open(model.toString())) {
            IOException e = assertThrows(MalformedFileException.class, checkpoint::tokenizer);
            assertEquals(file + ": yields token ids up to 151968 but " + model.resolve("config.json")
                    + " gives vocab_size " + vocab + " (ids 0.." + (vocab - 1)
                    + "): the tokenizer does not belong to this model", e.getMessage());
        }
        // The fixture's own tokenizer (largest id 151668) fits its 151936 rows.
        Files.delete(file);
        Files.createSymbolicLink(file, SharedFixtures.path("qwen3-tiny/tokenizer.json"));
        try (ModelCheckpoint checkpoint = ModelCheckpoint.open(model.toString());
             QwenTokenizer t = checkpoint.tokenizer()) {
            assertEquals(151668, t.largestId());
        }
    }

    // ---- tensor shapes and values ----

    @Test
    void aVocabularyThatDisagreesWithTheEmbeddingIsRefusedBeforeCompute() throws IOException {
        Path model = tiny(t -> { }, o -> o.addProperty("vocab_size", 10));
        assertLoadError(model, "tensor 'model.embed_tokens.weight' has shape [32, 8] but config.json gives [10, 8]");
    }

    @Test
    void aProjectionOfTheWrongShapeNamesTheTensorAndBothShapes() throws IOException {
        Path model = tiny(t -> t.put("model.layers.1.self_attn.q_proj.weight", new long[] {4, 8}), o -> { });
        assertLoadError(model,
                "tensor 'model.layers.1.self_attn.q_proj.weight' has shape [4, 8] but config.json gives [8, 8]");
    }

    @Test
    void aScalarNormWeightIsRefused() throws IOException {
        Path model = tiny(t -> t.put("model.layers.0.input_layernorm.weight", new long[0]), o -> { });
        assertLoadError(model, "tensor 'model.layers.0.input_layernorm.weight' has shape [] but config.json gives [8]");
    }

    @Test
    void nanAndInfiniteWeightsAreRefusedNamingTheTensor() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Path model = tiny(Map.of("model.layers.1.mlp.down_proj.weight", bad), o -> { });
            assertLoadError(model, "tensor 'model.layers.1.mlp.down_proj.weight' holds NaN or infinite values");
        }
    }

    @Test
    void aValidTinyCheckpointLoads() throws IOException {
        Path model = tiny(t -> { }, o -> { });
        try (ModelCheckpoint checkpoint = ModelCheckpoint.open(model.toString());
             LanguageModel lm = checkpoint.load(Device.cpu(), ComputeDtype.F32, -1)) {
            assertEquals(2, lm.loadedBlocks());
        }
    }

    private static void assertLoadError(Path model, String expected) throws IOException {
        try (ModelCheckpoint checkpoint = ModelCheckpoint.open(model.toString())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> checkpoint.load(Device.cpu(), ComputeDtype.F32, -1));
            assertTrue(e.getCause() instanceof MalformedFileException, String.valueOf(e.getCause()));
            assertEquals(model + ": " + expected, e.getMessage());
        }
    }

    /** A copy of fixture {@code name} (weights linked, not copied) with its config.json edited. */
    private Path fixtureWithConfig(String name, Consumer<JsonObject> edit) throws IOException {
        Path fixture = SharedFixtures.path(name);
        Path model = Files.createDirectories(tmp.resolve(name));
        JsonObject config = JsonParser.parseString(Files.readString(fixture.resolve("config.json"))).getAsJsonObject();
        edit.accept(config);
        Files.writeString(model.resolve("config.json"), config.toString());
        Files.createSymbolicLink(model.resolve("model.safetensors"), fixture.resolve("model.safetensors"));
        return model;
    }

    /** The tiny Qwen3 checkpoint with random weights, a shape replaced per entry of {@code shapes}. */
    private Path tiny(Consumer<Map<String, long[]>> shapes, Consumer<JsonObject> edit) throws IOException {
        return write(shapes, Map.of(), edit);
    }

    /** The tiny Qwen3 checkpoint with the first value of each named tensor set to the given one. */
    private Path tiny(Map<String, Float> firstValues, Consumer<JsonObject> edit) throws IOException {
        return write(t -> { }, firstValues, edit);
    }

    private Path write(Consumer<Map<String, long[]>> shapeEdit, Map<String, Float> firstValues,
                       Consumer<JsonObject> edit) throws IOException {
        JsonObject root = JsonParser.parseString(TINY).getAsJsonObject();
        RandomWeights random = new RandomWeights(ModelConfig.parse(root, "tiny"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of("model.embed_tokens.weight", "model.norm.weight"));
        for (int i = 0; i < 2; i++) {
            for (String part : List.of("input_layernorm", "post_attention_layernorm", "self_attn.q_proj",
                    "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "self_attn.q_norm", "self_attn.k_norm",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                names.add("model.layers." + i + "." + part + ".weight");
            }
        }
        names.forEach(n -> shapes.put(n, random.tensorShape(n)));
        shapeEdit.accept(shapes);
        Random values = new Random(7);
        SafetensorsWriter writer = new SafetensorsWriter();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long numel = 1;
            for (long d : e.getValue()) {
                numel *= d;
            }
            float[] v = new float[(int) numel];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values.nextGaussian() * 0.02f + (e.getKey().endsWith("norm.weight") ? 1 : 0);
            }
            if (firstValues.containsKey(e.getKey())) {
                v[0] = firstValues.get(e.getKey());
            }
            writer.addF32(e.getKey(), e.getValue(), v);
        }
        Path model = Files.createDirectories(tmp.resolve("tiny-" + System.nanoTime()));
        writer.write(model.resolve("model.safetensors"));
        edit.accept(root);
        Files.writeString(model.resolve("config.json"), root.toString());
        return model;
    }
}
