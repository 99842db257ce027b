package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Qwen3.5's Gated DeltaNet linear attention: {@code [q; k; v] = silu(causal depthwise conv(x W_qkv))}, q and k
 * L2-normalised (q also scaled by {@code 1/sqrt(dk)}), each key head serving {@code valueHeads / keyHeads} consecutive
 * value heads; {@code beta = sigmoid(x W_b)}, {@code g = -exp(A_log) * softplus(x W_a + dt_bias)}; the gated delta
 * rule over them; then per value head {@code RMSNorm(o) * silu(x W_z)} and the output projection. The conv window and
 * the recurrent state carry over between steps in the {@link DecodeState}; padding positions change neither.
 * {@code convWeight} is [kernel, channels], {@code negA = -exp(A_log)}. Projections and the
 * conv run in the model's dtype; the decay ({@code dtBias}, {@code negA} held float32), q/k normalisation and the
 * delta rule with its recurrent state in float32, as Hugging Face's torch path computes them.
 */
record GatedDeltaNet(int index, Linear qkvProj, Linear zProj, Linear bProj, Linear aProj, NDArray convWeight,
                     NDArray dtBias, NDArray negA, RmsNorm norm, Linear outProj, int keyHeads, int valueHeads,
                     int keyDim, int valueDim, ComputeDtype dtype) implements TokenMixer {

    private static final float L2_EPS = 1e-6f;

    @Override
    public NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        int b = layout.batch();
        int t = layout.width();
        NDManager manager = x.getManager();
        // Padding must not reach the conv window or the state: zero its inputs, and below its rate and decay.
        NDArray real = layout.padded() ? layout.realTokens() : null;
        NDArray input = real == null ? x : dtype.narrow(x.mul(real.expandDims(-1)));
        NDArray[] previous = state.linearState(index);
        int kernel = (int) convWeight.getShape().get(0);
        long channels = convWeight.getShape().get(1);
        NDArray window = previous != null ? previous[0]
                : dtype.narrow(manager.zeros(new Shape(b, kernel - 1, channels)));
        NDArray extended = alignAfterWindow(window.concat(qkvProj.apply(input), 1), layout, kernel);
        NDArray conv = causalConv(extended, t);
        NDArray mixed = ComputeDtype.widen(conv.mul(Activation.sigmoid(conv)));
        long keyWidth = (long) keyHeads * keyDim;
        NDArray q = l2Normalize(perValueHead(mixed.get(new NDIndex("..., :{}", keyWidth)), b, t))
                .mul(1.0 / Math.sqrt(keyDim));
        NDArray k = l2Normalize(perValueHead(mixed.get(new NDIndex("..., {}:{}", keyWidth, 2 * keyWidth)), b, t));
        NDArray v = mixed.get(new NDIndex("..., {}:", 2 * keyWidth)).reshape(b, t, valueHeads, valueDim)
                .transpose(0, 2, 1, 3);
        NDArray beta = ComputeDtype.widen(Activation.sigmoid(bProj.apply(input))).transpose(0, 2, 1);
        NDArray g = softplus(ComputeDtype.widen(aProj.apply(input)).add(dtBias)).mul(negA).transpose(0, 2, 1);
        if (real != null) {
            beta = beta.mul(real.expandDims(1));
            g = g.mul(real.expandDims(1));
        }
        // The state takes the delta rule's dtype (float32, or float64 where a test made the weights so).
        NDArray s = previous != null ? previous[1]
                : manager.zeros(new Shape(b, valueHeads, keyDim, valueDim), mixed.getDataType());
        GatedDeltaRule.Result r = t == 1 ? GatedDeltaRule.recurrent(q, k, v, g, beta, s)
                : GatedDeltaRule.chunked(q, k, v, g, beta, s);
        // A copy, so the state does not keep this whole step's conv input alive.
        state.setLinearState(index, extended.get(new NDIndex(":, {}:", t)).duplicate(), r.state());
        NDArray z = zProj.apply(input).reshape(b, t, valueHeads, valueDim);
        NDArray o = norm.apply(r.output().transpose(0, 2, 1, 3)).mul(z.mul(Activation.sigmoid(z)));
        return outProj.apply(o.reshape(b, t, (long) valueHeads * valueDim));
    }

    /** Depthwise causal conv: output t is {@code sum_j w[j] * extended[t + j]} over the K taps, [B, T, C]. */
    private NDArray causalConv(NDArray extended, int t) {
        NDArray conv = extended.get(new NDIndex(":, 0:{}", t)).mul(convWeight.get(0));
        for (int j = 1; j < convWeight.getShape().get(0); j++) {
            conv = conv.add(extended.get(new NDIndex(":, {}:{}", j, j + t)).mul(convWeight.get(j)));
        }
        return conv;
    }

    /**
     * [B, K-1 + T, C] window then step -> the same with each row's real tokens right after the window: a row with p
     * padding positions reads {@code [0 x p, window, real tokens]}, so a ragged step continues every sequence exactly.
     */
    private static NDArray alignAfterWindow(NDArray joined, BatchLayout layout, int kernel) {
        if (!layout.padded()) {
            return joined;
        }
        int[] padding = layout.padding();
        int length = kernel - 1 + layout.width();
        long[] rows = new long[padding.length * length];
        for (int b = 0; b < padding.length; b++) {
            int p = padding[b];
            for (int s = 0; s < length; s++) {
                // Column kernel-1 is this row's first (zeroed) padding position whenever p > 0.
                int from = s < p ? kernel - 1 : s < p + kernel - 1 ? s - p : s;
                rows[b * length + s] = (long) b * length + from;
            }
        }
        long channels = joined.getShape().get(2);
        NDArray flat = joined.reshape(-1, channels);
        return flat.get(new NDIndex("{}", joined.getManager().create(rows))).reshape(padding.length, length, channels);
    }

    /** [B, T, keyHeads * d] -> [B, valueHeads, T, d], each key head repeated for its group of value heads. */
    private NDArray perValueHead(NDArray x, int b, int t) {
        int group = valueHeads / keyHeads;
        NDArray heads = x.reshape(b, t, keyHeads, 1, keyDim);
        if (group > 1) {
            heads = heads.broadcast(new Shape(b, t, keyHeads, group, keyDim));
        }
        return heads.reshape(b, t, valueHeads, keyDim).transpose(0, 2, 1, 3);
    }

    private static NDArray l2Normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(L2_EPS).sqrt());
    }

    /** {@code log(1 + e^x)} without overflow: {@code max(x, 0) + log(1 + e^-|x|)}. */
    private static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }
}
