package org.toxiscope.features;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    public static int[] ints(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    public static long[] longs(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    public static float[] floats(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    /** The last element of a JSON array (the last token's row). */
    public static JsonElement last(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        return a.get(a.size() - 1);
    }
}
