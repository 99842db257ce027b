package org.toxiscope.features;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.toxiscope.features.io.CheckpointWeights;
import org.toxiscope.features.io.SafetensorsFile;
import org.toxiscope.features.io.SafetensorsWriter;

/**
 * Copies of a single-file checkpoint whose weights are rewritten through {@link SafetensorsWriter}, so two copies
 * have byte-identical headers (same config, same tensor names, shapes, dtypes and offsets) and differ only where a
 * test scales a tensor: "the same model with other weights".
 */
public final class CheckpointCopies {

    private CheckpointCopies() {
    }

    /**
     * Appends {@code count} special added tokens with ids from {@code firstId} on to a parsed tokenizer.json, so the
     * tokenizer can yield ids past a model's vocabulary while its embedding stays as it is.
     */
    public static void addSpecialTokens(JsonObject tokenizer, int firstId, int count) {
        for (int i = 0; i < count; i++) {
            JsonObject extra = new JsonObject();
            extra.addProperty("id", firstId + i);
            extra.addProperty("content", "<|extra_" + i + "|>");
            for (String flag : List.of("single_word", "lstrip", "rstrip", "normalized")) {
                extra.addProperty(flag, false);
            }
            extra.addProperty("special", true);
            tokenizer.getAsJsonArray("added_tokens").add(extra);
        }
    }

    /**
     * Copies the model folder {@code from} to {@code to}, every file as is except {@code model.safetensors}, which is
     * rewritten tensor by tensor (BF16 stays BF16, exactly) with {@code tensor} multiplied by {@code factor}
     * (null: none).
     */
    public static Path copy(Path from, Path to, String tensor, float factor) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().equals(CheckpointWeights.SINGLE_FILE)) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile in = SafetensorsFile.open(from.resolve(CheckpointWeights.SINGLE_FILE))) {
            for (String name : in.names()) {
                FloatBuffer f32 = in.readF32(name).asFloatBuffer();
                float[] values = new float[f32.remaining()];
                f32.get(values);
                if (name.equals(tensor)) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] *= factor;
                    }
                }
                String dtype = in.info(name).dtype();
                if (dtype.equals("BF16")) {
                    writer.addBf16(name, in.shape(name), values);
                } else if (dtype.equals("F32")) {
                    writer.addF32(name, in.shape(name), values);
                } else {
                    throw new IllegalArgumentException(name + ": " + dtype + " is not copied by this helper");
                }
            }
        }
        writer.write(to.resolve(CheckpointWeights.SINGLE_FILE));
        return to;
    }
}
