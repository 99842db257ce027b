package org.toxiscope.features.sae;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import org.toxiscope.features.SharedFixtures;

/** Reads the golden fixture JSON files for SAE tests. */
final class Golden {

    private Golden() {
    }

    static JsonObject load(String file) throws IOException {
        return JsonParser.parseString(Files.readString(SharedFixtures.path(file))).getAsJsonObject();
    }

    static float[] floats(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    static long[] longs(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    /** The last element of a JSON array (the last token's row). */
    static JsonElement last(JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        return a.get(a.size() - 1);
    }
}
