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

    /** Rotates {@code x} [B, heads, T, headDim] at positions [B, T] (an int64 array). */
    NDArray apply(NDArray x, NDArray positions, int maxPosition) {
        ensure(maxPosition + 1);
        NDManager local = x.getManager();
        NDArray c = cos.get(local, new NDIndex("{}", positions)).expandDims(1);
        NDArray s = sin.get(local, new NDIndex("{}", positions)).expandDims(1);
        long headDim = x.getShape().get(3);
        NDArray rot = rotaryDim == headDim ? x : x.get(new NDIndex("..., :{}", rotaryDim));
        NDArray first = rot.get(new NDIndex("..., :{}", rotaryDim / 2));
        NDArray second = rot.get(new NDIndex("..., {}:", rotaryDim / 2));
        NDArray rotated = rot.mul(c).add(second.neg().concat(first, -1).mul(s));
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
