package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The gated delta rule of Gated DeltaNet, per head with state {@code S} [dk, dv]:
 * {@code S_t = a_t S_{t-1} + k_t (beta_t (v_t - a_t S_{t-1}^T k_t))^T}, {@code a_t = exp(g_t)}, output
 * {@code o_t = S_t^T q_t}. Inputs are [B, H, T, d] queries (normalised and scaled), keys (normalised) and values,
 * and [B, H, T] decays {@code g <= 0} and rates {@code beta}; a position with {@code g = beta = 0} leaves the state
 * as it is.
 * Two exact forms: the token-by-token recurrence (decoding) and the chunked WY form of matrix products (prefill).
 */
final class GatedDeltaRule {

    /** Chunk length of the parallel form (the length the reference kernels use). */
    static final int CHUNK = 64;

    /** Outputs [B, H, T, dv] and the state after the last position [B, H, dk, dv]. */
    record Result(NDArray output, NDArray state) {
    }

    private GatedDeltaRule() {
    }

    /** One position at a time. */
    static Result recurrent(NDArray q, NDArray k, NDArray v, NDArray g, NDArray beta, NDArray state) {
        long t = q.getShape().get(2);
        NDArray s = state;
        NDList outputs = new NDList();
        for (long i = 0; i < t; i++) {
            NDIndex at = new NDIndex(":, :, {}:{}", i, i + 1);
            NDArray kt = k.get(at);
            NDArray decay = g.get(at).exp().expandDims(-1);
            s = s.mul(decay);
            NDArray delta = v.get(at).sub(kt.matMul(s)).mul(beta.get(at).expandDims(-1));
            s = s.add(kt.transpose(0, 1, 3, 2).matMul(delta));
            outputs.add(q.get(at).matMul(s));
        }
        return new Result(NDArrays.concat(outputs, 2), s);
    }

    /**
     * Chunks of {@link #CHUNK} positions (the sequence zero-padded to a whole number of chunks): within a chunk the
     * delta-rule updates are solved at once from the unit lower-triangular system
     * {@code (I + tril(beta k k^T * decay))}, then the chunks are scanned in order, each reading and updating the state
     * once.
     */
    static Result chunked(NDArray q, NDArray k, NDArray v, NDArray g, NDArray beta, NDArray state) {
        Shape shape = q.getShape();
        long b = shape.get(0);
        long h = shape.get(1);
        long t = shape.get(2);
        long dk = shape.get(3);
        long dv = v.getShape().get(3);
        long pad = (CHUNK - t % CHUNK) % CHUNK;
        long n = (t + pad) / CHUNK;
        NDManager manager = q.getManager();

        NDArray qc = chunks(padTime(q, pad), n);
        NDArray kc = chunks(padTime(k, pad), n);
        NDArray betaC = chunks(padTime(beta.expandDims(-1), pad), n);
        NDArray kBeta = kc.mul(betaC);
        NDArray vBeta = chunks(padTime(v, pad), n).mul(betaC);
        NDArray cum = padTime(g.expandDims(-1), pad).reshape(b, h, n, CHUNK).cumSum(3);

        // decay[i, j] = exp(cum_i - cum_j) for j <= i, else 0; the lower entries are <= 0 before exp, the upper ones
        // (clipped to 0 here) are masked away, so nothing overflows.
        NDArray lower = triangle(manager, 0);
        NDArray decay = cum.expandDims(-1).sub(cum.expandDims(-2)).minimum(0f).exp().mul(lower);
        NDArray strictlyLower = triangle(manager, 1);
        NDArray system = kBeta.matMul(kc.transpose(0, 1, 2, 4, 3)).mul(decay).mul(strictlyLower)
                .add(manager.eye(CHUNK));
        NDArray inverse = system.inverse();
        NDArray cumExp = cum.exp().expandDims(-1);
        NDArray newValues = inverse.matMul(vBeta);
        NDArray keyCumDecay = inverse.matMul(kBeta.mul(cumExp));
        NDArray intra = qc.matMul(kc.transpose(0, 1, 2, 4, 3)).mul(decay);
        NDArray qDecayed = qc.mul(cumExp);
        NDArray last = cum.get(new NDIndex("..., -1:"));
        NDArray kDecayed = kc.mul(last.sub(cum).exp().expandDims(-1));
        NDArray chunkDecay = last.exp().expandDims(-1);

        NDArray s = state;
        NDList outputs = new NDList();
        for (long c = 0; c < n; c++) {
            NDIndex at = new NDIndex(":, :, {}", c);
            NDArray correction = newValues.get(at).sub(keyCumDecay.get(at).matMul(s));
            outputs.add(qDecayed.get(at).matMul(s).add(intra.get(at).matMul(correction)));
            s = s.mul(chunkDecay.get(at)).add(kDecayed.get(at).transpose(0, 1, 3, 2).matMul(correction));
        }
        NDArray output = NDArrays.concat(outputs, 2);
        return new Result(pad == 0 ? output : output.get(new NDIndex(":, :, :{}", t)), s);
    }

    /** [CHUNK, CHUNK] ones where {@code j <= i - offset}, zeros elsewhere. */
    private static NDArray triangle(NDManager manager, int offset) {
        float[] mask = new float[CHUNK * CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            for (int j = 0; j <= i - offset; j++) {
                mask[i * CHUNK + j] = 1f;
            }
        }
        return manager.create(mask, new Shape(CHUNK, CHUNK));
    }

    /** [B, H, T, d] -> [B, H, T + pad, d] with zeros after the end. */
    private static NDArray padTime(NDArray x, long pad) {
        if (pad == 0) {
            return x;
        }
        Shape s = x.getShape();
        return x.concat(x.getManager().zeros(new Shape(s.get(0), s.get(1), pad, s.get(3))), 2);
    }

    /** [B, H, n * CHUNK, d] -> [B, H, n, CHUNK, d]. */
    private static NDArray chunks(NDArray x, long n) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), n, CHUNK, s.get(3));
    }
}
