package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;

/** JSON helpers for chart data: NaN (a missing value) is written as null. */
final class Json {

    private Json() {
    }

    static JsonArray array(double[] values) {
        JsonArray out = new JsonArray(values.length);
        for (double v : values) {
            if (Double.isNaN(v)) {
                out.add(JsonNull.INSTANCE);
            } else {
                out.add(v);
            }
        }
        return out;
    }

    static JsonArray strings(Iterable<String> values) {
        JsonArray out = new JsonArray();
        for (String v : values) {
            out.add(v);
        }
        return out;
    }
}
