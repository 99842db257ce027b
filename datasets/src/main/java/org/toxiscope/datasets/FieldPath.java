package org.toxiscope.datasets;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A column named as a dotted path into nested values (JSON objects, Parquet structs; a number steps into an array):
 * a key that holds the dots literally wins over the nested path, at the top level and at every level below, the
 * longest such key first, so {@code a.b} is the field {@code "a.b"} when there is one and {@code b} inside {@code a}
 * only when there is not.
 */
final class FieldPath {

    private final String name;
    private final String[] segments;

    FieldPath(String name) {
        this.name = name;
        this.segments = name.split("\\.", -1);
    }

    String name() {
        return name;
    }

    /** The column of {@code columns} the path starts in (the whole name, else its longest dotted prefix), or null. */
    String column(Collection<String> columns) {
        int k = columnSegments(columns);
        return k == 0 ? null : join(segments, 0, k);
    }

    /** How many segments the column the path starts in spans (all of them for the whole name), or 0 for none. */
    private int columnSegments(Collection<String> columns) {
        if (columns.contains(name)) {
            return segments.length;
        }
        for (int k = segments.length - 1; k >= 1; k--) {
            if (columns.contains(join(segments, 0, k))) {
                return k;
            }
        }
        return 0;
    }

    /**
     * The value at this path in {@code fields} ({@code nested} names the fields that hold an object or array as JSON
     * text): a string, a number's literal text, true/false, or a nested value's JSON text.
     *
     * @throws Missing naming the part of the path that is not there; its message is null when the whole name is
     *     absent as a top-level field and no prefix of it is a field either
     */
    String value(Map<String, String> fields, Set<String> nested) throws Missing {
        String direct = fields.get(name);
        if (direct != null) {
            return direct;
        }
        int i = columnSegments(fields.keySet());
        if (i == 0 || i == segments.length) {
            throw new Missing(null);
        }
        String column = join(segments, 0, i);
        if (!nested.contains(column)) {
            throw new Missing("'" + column + "' holds a plain value, not a nested object");
        }
        JsonElement at;
        try {
            at = JsonParser.parseString(fields.get(column));
        } catch (JsonParseException e) {
            throw new Missing("'" + column + "' is not valid JSON");
        }
        String where = column;
        while (i < segments.length) {
            int next;
            if (at.isJsonObject()) {
                JsonObject object = at.getAsJsonObject();
                next = -1;
                for (int j = segments.length; j > i; j--) {
                    if (object.has(join(segments, i, j))) {
                        next = j;
                        break;
                    }
                }
                if (next < 0) {
                    throw new Missing("no '" + segments[i] + "' in " + where);
                }
                at = object.get(join(segments, i, next));
            } else if (at.isJsonArray()) {
                JsonArray array = at.getAsJsonArray();
                int index = index(segments[i]);
                if (index < 0 || index >= array.size()) {
                    throw new Missing("no element '" + segments[i] + "' in " + where + " (an array of " + array.size()
                            + ")");
                }
                next = i + 1;
                at = array.get(index);
            } else {
                throw new Missing("'" + where + "' is " + (at.isJsonNull() ? "null" : "a plain value")
                        + ", so it has no '" + segments[i] + "'");
            }
            where = where + "." + join(segments, i, next);
            i = next;
        }
        if (at.isJsonNull()) {
            throw new Missing("'" + where + "' is null");
        }
        return at.isJsonPrimitive() ? at.getAsString() : at.toString();
    }

    private static int index(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(segment);
    }

    private static String join(String[] parts, int from, int to) {
        return String.join(".", Arrays.asList(parts).subList(from, to));
    }

    /** The path is not there in a record; the message names the part that is missing. */
    static final class Missing extends Exception {
        Missing(String part) {
            super(part, null, false, false);
        }
    }
}
