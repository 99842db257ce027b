package org.toxiscope.datasets;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * JSON Lines: one strict JSON object per line, blank lines ignored. Strings, numbers (their literal text) and booleans
 * become field values, nested objects and arrays their JSON text (named in the row's {@code nested}), nulls are left
 * out.
 */
final class JsonlRowSource implements RowSource {

    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    private final StrictUtf8Reader text;
    private final BufferedReader lines;
    private long lineNo;

    JsonlRowSource(InputStream in) {
        this.text = new StrictUtf8Reader(in);
        this.lines = new BufferedReader(text, 1 << 16);
    }

    @Override
    public List<String> header() {
        return null;
    }

    @Override
    public RawRow next() throws IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (text.invalidBetween(lineNo, lineNo)) {
                return RawRow.bad(lineNo, null, line, null, "invalid UTF-8 byte sequence");
            }
            try {
                LinkedHashMap<String, String> fields = new LinkedHashMap<>();
                Set<String> nested = parse(line, fields);
                return RawRow.ok(lineNo, fields, nested);
            } catch (IllegalStateException | IOException | NumberFormatException e) {
                return RawRow.bad(lineNo, null, line, null, "invalid JSON: " + e.getMessage());
            } catch (DuplicateKey e) {
                return RawRow.bad(lineNo, null, line, e.getMessage(), "key appears twice in the object");
            }
        }
        return null;
    }

    /** Fills {@code fields} from {@code line}; returns the names of the nested values. */
    private static Set<String> parse(String line, LinkedHashMap<String, String> fields) throws IOException {
        JsonReader json = new JsonReader(new StringReader(line));
        json.setStrictness(Strictness.STRICT);
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new IllegalStateException("a line must hold one JSON object, found " + json.peek());
        }
        json.beginObject();
        Set<String> nested = Set.of();
        while (json.hasNext()) {
            String name = json.nextName();
            JsonToken kind = json.peek();
            String value = switch (kind) {
                case STRING, NUMBER -> json.nextString();
                case BOOLEAN -> Boolean.toString(json.nextBoolean());
                case NULL -> {
                    json.nextNull();
                    yield null;
                }
                default -> ELEMENT.read(json).toString();
            };
            if (fields.containsKey(name)) {
                throw new DuplicateKey(name);
            }
            if (value != null) {
                fields.put(name, value);
                if (kind == JsonToken.BEGIN_OBJECT || kind == JsonToken.BEGIN_ARRAY) {
                    if (nested.isEmpty()) {
                        nested = new HashSet<>(4);
                    }
                    nested.add(name);
                }
            }
        }
        json.endObject();
        if (json.peek() != JsonToken.END_DOCUMENT) {
            throw new IllegalStateException("text after the JSON object");
        }
        return nested;
    }

    /** A JSON object naming one key twice: which value is meant is unknowable, so the record is rejected. */
    private static final class DuplicateKey extends RuntimeException {
        DuplicateKey(String key) {
            super(key, null, false, false);
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
