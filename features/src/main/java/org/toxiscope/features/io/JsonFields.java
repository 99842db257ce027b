package org.toxiscope.features.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.common.Snippet;

/**
 * Typed, range-checked reads of one JSON object's fields (config.json, a SAELens cfg.json): a value of the wrong
 * type or out of range is a {@link MalformedFileException} naming the file and the field, never a silent truncation
 * ({@code 1.5} read as 1, {@code 2^32+8} as 8) or a gson {@code ClassCastException}.
 */
public final class JsonFields {

    private final JsonObject object;
    private final String source;

    /** Reads {@code object}; {@code source} (the file, with the object's path inside it where nested) names it. */
    public JsonFields(JsonObject object, String source) {
        this.object = object;
        this.source = source;
    }

    /** Whether {@code key} is present with a non-null value. */
    public boolean has(String key) {
        JsonElement e = object.get(key);
        return e != null && !e.isJsonNull();
    }

    /** The required integer {@code key}, within {@code [min, max]}. */
    public int integer(String key, int min, int max) throws MalformedFileException {
        if (!has(key)) {
            throw bad(key, "is missing");
        }
        return checkedInteger(key, object.get(key), min, max);
    }

    /** The integer {@code key} within {@code [min, max]}, or {@code fallback} where it is absent or null. */
    public int integer(String key, int min, int max, int fallback) throws MalformedFileException {
        return has(key) ? checkedInteger(key, object.get(key), min, max) : fallback;
    }

    /** The number {@code key}, finite and above 0, or {@code fallback} where it is absent or null. */
    public double positive(String key, double fallback) throws MalformedFileException {
        if (!has(key)) {
            return fallback;
        }
        double v = number(key, object.get(key)).doubleValue();
        if (!Double.isFinite(v) || v <= 0) {
            throw bad(key, "is " + object.get(key) + ", expected a finite number above 0");
        }
        return v;
    }

    /** The boolean {@code key}, or {@code fallback} where it is absent or null; "true" in quotes is refused. */
    public boolean bool(String key, boolean fallback) throws MalformedFileException {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(key, "is " + shortly(e) + ", expected true or false");
        }
        return e.getAsBoolean();
    }

    /** The string {@code key}, or {@code fallback} where it is absent or null. */
    public String string(String key, String fallback) throws MalformedFileException {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(key, "is " + shortly(e) + ", expected a string");
        }
        return e.getAsString();
    }

    /** The object {@code key}, or null where it is absent or null. */
    public JsonObject object(String key) throws MalformedFileException {
        if (!has(key)) {
            return null;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonObject()) {
            throw bad(key, "is " + shortly(e) + ", expected an object");
        }
        return e.getAsJsonObject();
    }

    /** The array of integers {@code key}, each within {@code [min, max]}; empty where absent or null. */
    public List<Integer> integers(String key, int min, int max) throws MalformedFileException {
        if (!has(key)) {
            return List.of();
        }
        JsonElement e = object.get(key);
        if (!e.isJsonArray()) {
            throw bad(key, "is " + shortly(e) + ", expected an array of integers");
        }
        JsonArray a = e.getAsJsonArray();
        List<Integer> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(checkedInteger(key + "[" + i + "]", a.get(i), min, max));
        }
        return out;
    }

    /** An error naming the file and {@code key}: {@code <source>: field '<key>' <problem>}. */
    public MalformedFileException bad(String key, String problem) {
        return new MalformedFileException(source + ": field '" + key + "' " + problem);
    }

    private int checkedInteger(String key, JsonElement e, int min, int max) throws MalformedFileException {
        BigDecimal v = number(key, e);
        // The range first: 1e999999999 must not be expanded into a billion-digit integer.
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw bad(key, "is " + shortly(e) + ", expected an integer in " + min + ".." + max);
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            throw bad(key, "is " + shortly(e) + ", expected an integer");
        }
        return v.intValueExact();
    }

    private BigDecimal number(String key, JsonElement e) throws MalformedFileException {
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isNumber()) {
                try {
                    return p.getAsBigDecimal();
                } catch (NumberFormatException nanOrInfinity) {
                    throw bad(key, "is " + shortly(e) + ", expected a finite number");
                }
            }
        }
        throw bad(key, "is " + shortly(e) + ", expected a number");
    }

    /** The value as JSON, cut by {@link Snippet}: a hostile file's value may be huge. */
    private static String shortly(JsonElement e) {
        String s = e.isJsonObject() ? "an object" : e.isJsonArray() ? "an array" : e.toString();
        return Snippet.of(s);
    }
}
