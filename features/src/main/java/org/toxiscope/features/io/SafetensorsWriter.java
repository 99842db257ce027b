package org.toxiscope.features.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.toxiscope.common.AtomicWrite;

/**
 * Builds a safetensors file as the reference library writes it ({@code __metadata__ {"format":"pt"}}, header padded
 * with spaces to 8 bytes, tensors packed in insertion order), written to a temporary name and renamed when complete.
 */
public final class SafetensorsWriter {

    private final Map<String, String> entries = new LinkedHashMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds a tensor of safetensors {@code dtype} (e.g. "F32", "BF16") from its little-endian bytes. */
    public SafetensorsWriter add(String name, String dtype, long[] shape, byte[] bytes) {
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long begin = data.size();
        data.writeBytes(bytes);
        StringBuilder s = new StringBuilder();
        for (long d : shape) {
            s.append(s.length() == 0 ? "" : ",").append(d);
        }
        entries.put(name, "{\"dtype\":\"" + dtype + "\",\"shape\":[" + s + "],\"data_offsets\":[" + begin + ","
                + data.size() + "]}");
        return this;
    }

    /** Adds float32 values. */
    public SafetensorsWriter addF32(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return add(name, "F32", shape, b.array());
    }

    /** Adds float32 values rounded to bfloat16 (round to nearest, ties to even; NaN stays NaN), as torch casts. */
    public SafetensorsWriter addBf16(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(toBf16(v));
        }
        return add(name, "BF16", shape, b.array());
    }

    /** The bfloat16 bit pattern nearest to {@code v}. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** Writes the file to {@code path} atomically (see {@link AtomicWrite}). */
    public void write(Path path) throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        entries.forEach((k, v) -> h.append(',').append(quote(k)).append(':').append(v));
        h.append('}');
        while (h.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(path, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            data.writeTo(out);
        });
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append(String.format("\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
