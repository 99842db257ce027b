package org.toxiscope.datasets;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compact JSON object per line, keys in column order, absent fields as null, nested values as the objects and
 * arrays they are. With {@code literals}, values that are canonical JSON numbers or booleans are written unquoted so
 * {@code "toxic":1} stays a number; without, every other value is a string (the Parquet partial, whose column types
 * are decided at commit). The reader turns them back into the same strings, so records round-trip either way.
 */
final class JsonlRowEncoder implements RowEncoder {

    /** The integers written unquoted: at most 18 digits, so every one fits a 64-bit integer. */
    static final String INTEGER_REGEX = "-?(0|[1-9][0-9]{0,17})";
    /** The numbers written unquoted (RE2 syntax too, so SQL can match the same values). */
    static final String NUMBER_REGEX = INTEGER_REGEX + "(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?";
    private static final Pattern NUMBER = Pattern.compile(NUMBER_REGEX);

    private final boolean literals;
    private final StringWriter buffer = new StringWriter();

    JsonlRowEncoder(boolean literals) {
        this.literals = literals;
    }

    @Override
    public String header(List<String> columns) {
        return null;
    }

    @Override
    public String encode(List<String> columns, List<String> values, Set<String> nested) {
        buffer.getBuffer().setLength(0);
        try {
            JsonWriter json = new JsonWriter(buffer);
            json.setHtmlSafe(false);
            json.setSerializeNulls(true);
            json.beginObject();
            for (int i = 0; i < columns.size(); i++) {
                json.name(columns.get(i));
                String v = values.get(i);
                if (v == null) {
                    json.nullValue();
                } else if (nested.contains(columns.get(i))) {
                    json.jsonValue(v);
                } else if (literals && (v.equals("true") || v.equals("false") || NUMBER.matcher(v).matches())) {
                    json.jsonValue(v);
                } else {
                    json.value(v);
                }
            }
            json.endObject();
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.append('\n').toString();
    }

    @Override
    public boolean quotesSpanNewlines() {
        return false;
    }
}
