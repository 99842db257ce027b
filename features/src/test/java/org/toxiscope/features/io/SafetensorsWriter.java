package org.toxiscope.features.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes safetensors files for tests: well-formed ones from tensors, or hostile ones from a raw header. */
public final class SafetensorsWriter {

    private final Map<String, String> entries = new LinkedHashMap<>();
    private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

    /** Adds a tensor of {@code dtype} with the given little-endian bytes. */
    public SafetensorsWriter add(String name, String dtype, long[] shape, byte[] bytes) {
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

    public SafetensorsWriter addF32(String name, long[] shape, float... values) {
        return add(name, "F32", shape, TestBuffers.f32(values));
    }

    public SafetensorsWriter addShorts(String name, String dtype, long[] shape, int... bits) {
        return add(name, dtype, shape, TestBuffers.u16(bits));
    }

    public void write(Path path) throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        entries.forEach((k, v) -> h.append(",\"").append(k).append("\":").append(v));
        h.append('}');
        writeRaw(path, h.toString(), data.toByteArray());
    }

    /** Writes {@code header} (as UTF-8, with its true length) followed by {@code body}. */
    public static void writeRaw(Path path, String header, byte[] body) throws IOException {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb).put(body);
        Files.write(path, b.array());
    }
}
