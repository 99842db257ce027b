package org.toxiscope.features.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian byte/float conversions for tests. */
public final class TestBuffers {

    private TestBuffers() {
    }

    /** The float32 values remaining in {@code b}. */
    public static float[] floats(ByteBuffer b) {
        float[] out = new float[b.remaining() / 4];
        b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** {@code values} as little-endian float32 bytes. */
    public static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** The low 16 bits of {@code values} as little-endian bytes (BF16/F16 bit patterns). */
    public static byte[] u16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }
}
