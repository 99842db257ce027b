package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding tables (HF "default" rope): {@code inv_freq[i] = theta^(-2i/d)} in float32, angle =
 * position * inv_freq, both halves of the head repeat the same frequencies ({@code rotate_half} convention).
 * {@code rotaryDim} may be smaller than the head (partial rotary): the rest of the head passes through unrotated.
 * The tables are computed in float32 and held in the model's dtype.
 */
final class RotaryEmbedding {

    private final NDManager manager;
    private final ComputeDtype dtype;
    private final int rotaryDim;
    private final float[] invFreq;
    private NDArray cos;
    private NDArray sin;
    private int length;

    RotaryEmbedding(NDManager manager, int rotaryDim, double theta, ComputeDtype dtype) {
        this.manager = manager;
        this.dtype = dtype;
        this.rotaryDim = rotaryDim;
        this.invFreq = new float[rotaryDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            float exponent = (float) (2 * i) / rotaryDim;
            invFreq[i] = 1.0f / (float) Math.pow(theta, exponent);
        }
    }

    /** cos and sin [B, T, 1, rotaryDim] at a step's positions, broadcasting over the heads. */
    record Tables(NDArray cos, NDArray sin) {
    }

    /** The tables at {@code positions} [B, T] (an int64 array), in its manager. */
    Tables tables(NDArray positions, int maxPosition) {
        ensure(maxPosition + 1);
        NDManager owner = positions.getManager();
        return new Tables(cos.get(owner, new NDIndex("{}", positions)).expandDims(2),
                sin.get(owner, new NDIndex("{}", positions)).expandDims(2));
    }

    /** Rotates {@code x} [B, T, heads, headDim] by {@code tables} of its positions. */
    NDArray apply(NDArray x, Tables tables) {
        long headDim = x.getShape().get(3);
        NDArray rot = rotaryDim == headDim ? x : x.get(new NDIndex("..., :{}", rotaryDim));
        NDArray first = rot.get(new NDIndex("..., :{}", rotaryDim / 2));
        NDArray second = rot.get(new NDIndex("..., {}:", rotaryDim / 2));
        NDArray rotated = rot.mul(tables.cos()).add(second.neg().concat(first, -1).mul(tables.sin()));
        return rotaryDim == headDim ? rotated : rotated.concat(x.get(new NDIndex("..., {}:", rotaryDim)), -1);
    }

    /** The table in the model's dtype (Hugging Face casts cos and sin to it before rotating). */
    private NDArray narrowed(NDArray table) {
        NDArray cast = dtype.narrow(table);
        if (cast != table) {
            table.close();
        }
        return cast;
    }

    private void ensure(int needed) {
        if (needed <= length) {
            return;
        }
        int grown = Math.max(needed, Math.max(256, length * 2));
        float[] c = new float[grown * rotaryDim];
        float[] s = new float[grown * rotaryDim];
        int half = rotaryDim / 2;
        for (int p = 0; p < grown; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * invFreq[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * rotaryDim + i] = cv;
                c[p * rotaryDim + half + i] = cv;
                s[p * rotaryDim + i] = sv;
                s[p * rotaryDim + half + i] = sv;
            }
        }
        if (cos != null) {
            cos.close();
            sin.close();
        }
        cos = narrowed(manager.create(c, new Shape(grown, rotaryDim)));
        sin = narrowed(manager.create(s, new Shape(grown, rotaryDim)));
        length = grown;
    }
}
