package org.toxiscope.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's JSON object read field by field: every missing or mistyped field is refused with a 400 that names it
 * by its path ({@code comment.text}, {@code steer[1].alpha}), and strings are held to the server's character limit.
 */
final class RequestBody {

    private final JsonObject json;
    private final String path;
    private final Limits limits;

    private RequestBody(JsonObject json, String path, Limits limits) {
        this.json = json;
        this.path = path;
        this.limits = limits;
    }

    /** Parses {@code text} as one JSON object (nothing after it). */
    static RequestBody parse(String text, Limits limits) {
        JsonElement element;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw ApiException.badRequest("malformed JSON: text after the request object");
            }
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw ApiException.badRequest("malformed JSON: " + firstLine(e));
        }
        if (element == null || !element.isJsonObject()) {
            throw ApiException.badRequest("malformed JSON: the request body must be a JSON object");
        }
        return new RequestBody(element.getAsJsonObject(), "", limits);
    }

    private static String firstLine(Exception e) {
        String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private String name(String field) {
        return path + field;
    }

    boolean has(String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    private JsonElement required(String field) {
        if (!has(field)) {
            throw ApiException.badRequest("missing field '" + name(field) + "'");
        }
        return json.get(field);
    }

    /** The object at {@code field}. */
    RequestBody object(String field) {
        JsonElement e = required(field);
        if (!e.isJsonObject()) {
            throw ApiException.badRequest("field '" + name(field) + "' must be an object");
        }
        return new RequestBody(e.getAsJsonObject(), name(field) + ".", limits);
    }

    /** The names of this object's fields, in order. */
    List<String> keys() {
        return new ArrayList<>(json.keySet());
    }

    String string(String field) {
        return text(required(field), name(field));
    }

    private String text(JsonElement e, String name) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiException.badRequest("field '" + name + "' must be a string");
        }
        String s = e.getAsString();
        if (s.length() > limits.maxChars()) {
            throw ApiException.tooLarge("field '" + name + "' has " + s.length() + " characters; the limit is "
                    + limits.maxChars());
        }
        return s;
    }

    /** A non-empty list of strings at {@code field}, at most {@code max} of them. */
    List<String> strings(String field, int max) {
        JsonArray array = array(field);
        if (array.isEmpty()) {
            throw ApiException.badRequest("field '" + name(field) + "' must not be empty");
        }
        if (array.size() > max) {
            throw ApiException.tooLarge("field '" + name(field) + "' has " + array.size() + " texts; the limit is "
                    + max + " per request");
        }
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(text(array.get(i), name(field) + "[" + i + "]"));
        }
        return out;
    }

    /** The strings at {@code field}, or {@code fallback} when it is absent. */
    List<String> optionalStrings(String field, List<String> fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonArray array = array(field);
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(text(array.get(i), name(field) + "[" + i + "]"));
        }
        return out;
    }

    private JsonArray array(String field) {
        JsonElement e = required(field);
        if (!e.isJsonArray()) {
            throw ApiException.badRequest("field '" + name(field) + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    /** The objects of the array at {@code field}, or none when it is absent. */
    List<RequestBody> objects(String field) {
        List<RequestBody> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonArray array = array(field);
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isJsonObject()) {
                throw ApiException.badRequest("field '" + name(field) + "[" + i + "]' must be an object");
            }
            out.add(new RequestBody(array.get(i).getAsJsonObject(), name(field) + "[" + i + "].", limits));
        }
        return out;
    }

    /** The integers at {@code field}, or {@code fallback} when it is absent. */
    List<Integer> ints(String field, List<Integer> fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonArray array = array(field);
        List<Integer> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(integer(array.get(i), name(field) + "[" + i + "]"));
        }
        return out;
    }

    int integer(String field) {
        return integer(required(field), name(field));
    }

    int integer(String field, int fallback) {
        return has(field) ? integer(field) : fallback;
    }

    /** An integer in {@code min..max}, {@code fallback} when absent. */
    int integer(String field, int fallback, int min, int max) {
        int v = integer(field, fallback);
        if (v < min || v > max) {
            throw ApiException.badRequest("field '" + name(field) + "' must be in " + min + ".." + max + ", not " + v);
        }
        return v;
    }

    private static int integer(JsonElement e, String name) {
        double d = number(e, name);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw ApiException.badRequest("field '" + name + "' must be an integer");
        }
        return (int) d;
    }

    double number(String field, double fallback) {
        return has(field) ? number(json.get(field), name(field)) : fallback;
    }

    double number(String field) {
        return number(required(field), name(field));
    }

    private static double number(JsonElement e, String name) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiException.badRequest("field '" + name + "' must be a number");
        }
        double d = e.getAsDouble();
        if (!Double.isFinite(d)) {
            throw ApiException.badRequest("field '" + name + "' must be a finite number");
        }
        return d;
    }

    long longValue(String field, long fallback) {
        if (!has(field)) {
            return fallback;
        }
        double d = number(json.get(field), name(field));
        if (d != Math.rint(d)) {
            throw ApiException.badRequest("field '" + name(field) + "' must be an integer");
        }
        return (long) d;
    }

    boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = json.get(field);
        if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
            throw ApiException.badRequest("field '" + name(field) + "' must be true or false");
        }
        return p.getAsBoolean();
    }
}
