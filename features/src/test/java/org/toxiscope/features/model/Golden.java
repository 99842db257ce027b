package org.toxiscope.features.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.toxiscope.features.SharedFixtures;

/** Reads a {@code <model>.golden.json} from the shared fixtures (skips the test where they are absent). */
public final class Golden {

    public final JsonObject root;
    public final Path modelDir;

    private Golden(JsonObject root, Path modelDir) {
        this.root = root;
        this.modelDir = modelDir;
    }

    public static Golden load(String model) throws IOException {
        Path file = SharedFixtures.path(model + ".golden.json");
        return new Golden(JsonParser.parseString(Files.readString(file)).getAsJsonObject(),
                SharedFixtures.path(model));
    }

    public JsonArray texts() {
        return root.getAsJsonArray("texts");
    }

    public JsonObject text(int i) {
        return texts().get(i).getAsJsonObject();
    }

    public static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    public static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }
}
