package org.toxiscope.features.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/** Element types stored in checkpoints, with their byte size and the exact widening of float types to float32. */
public enum TensorDtype {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false),
    F8_E4M3(1, false), F8_E5M2(1, false);

    /** Largest float32 buffer one {@link ByteBuffer} holds. */
    public static final long MAX_F32_ELEMENTS = Integer.MAX_VALUE / 4;

    private static final int CHUNK = 1 << 16;

    private final int size;
    private final boolean floating;

    TensorDtype(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype for a safetensors header name such as {@code BF16}, or null where unknown. */
    public static TensorDtype fromSafetensors(String name) {
        for (TensorDtype t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Throws IllegalArgumentException naming {@code context} unless {@code numel} elements convert to one buffer. */
    public void requireF32Readable(long numel, String context) {
        if (!floating) {
            throw new IllegalArgumentException(context + ": dtype " + this + " is not a float type; float32 reading"
                    + " supports F32, BF16, F16 and F64");
        }
        if (numel > MAX_F32_ELEMENTS) {
            throw new IllegalArgumentException(context + ": " + numel + " elements are over the 2 GiB a single float32"
                    + " buffer holds; read the tensor in row ranges");
        }
    }

    /**
     * Converts {@code numel} little-endian elements of this type starting at {@code raw}'s position to a little-endian
     * float32 buffer. F32 returns a view of {@code raw} (no copy); other types are converted (see {@link #toF32Into})
     * into a new direct buffer.
     *
     * @param context names the file and tensor in error messages
     */
    public ByteBuffer toF32(ByteBuffer raw, long numel, String context) {
        requireF32Readable(numel, context);
        if (this == F32) {
            return raw.slice().limit((int) numel * 4).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) numel * 4).order(ByteOrder.LITTLE_ENDIAN);
        toF32Into(raw, numel, out, context);
        return out;
    }

    /**
     * Writes {@code numel} elements from {@code raw}'s position as little-endian float32 into {@code dst} from its
     * position: F32 copied, BF16 widened exactly ({@code bits << 16}), F16 converted exactly, F64 rounded to nearest.
     * Positions are left unchanged.
     */
    public void toF32Into(ByteBuffer raw, long numel, ByteBuffer dst, String context) {
        requireF32Readable(numel, context);
        int n = (int) numel;
        if (dst.remaining() < n * 4L) {
            throw new IllegalArgumentException(context + ": destination holds " + dst.remaining() / 4
                    + " floats, need " + n);
        }
        ByteBuffer src = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (this == F32) {
            out.put(src.limit(n * 4));
            return;
        }
        IntBuffer words = out.asIntBuffer();
        if (this == F64) {
            DoubleBuffer in = src.asDoubleBuffer();
            for (int i = 0; i < n; i++) {
                words.put(i, Float.floatToRawIntBits((float) in.get(i)));
            }
            return;
        }
        ShortBuffer in = src.asShortBuffer();
        short[] halves = new short[Math.min(CHUNK, n)];
        int[] chunk = new int[halves.length];
        for (int start = 0; start < n; start += halves.length) {
            int len = Math.min(halves.length, n - start);
            in.get(start, halves, 0, len);
            if (this == BF16) {
                for (int i = 0; i < len; i++) {
                    chunk[i] = (halves[i] & 0xffff) << 16;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    chunk[i] = halfToFloatBits(halves[i]);
                }
            }
            words.put(start, chunk, 0, len);
        }
    }

    /** IEEE 754 binary16 to binary32 bits, exact (subnormals, infinities and NaN payloads preserved). */
    public static int halfToFloatBits(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return sign | 0x7f800000 | (mant << 13);
        }
        if (exp != 0) {
            return sign | ((exp + 112) << 23) | (mant << 13);
        }
        if (mant == 0) {
            return sign;
        }
        // Subnormal half: mant * 2^-24 is a normal float, computed exactly.
        return sign | Float.floatToRawIntBits(mant * 0x1p-24f);
    }
}
