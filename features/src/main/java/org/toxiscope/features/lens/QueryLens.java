package org.toxiscope.features.lens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.toxiscope.features.model.Sublayers;

/**
 * Query Lens with the reference code's "full" stream transition, over texts fed in batches ({@link #add}). For every
 * text and block l it keeps the normed sublayer inputs {@code a_l = input_layernorm_l(resid_pre_l)} and
 * {@code m_l = post_attention_layernorm_l(resid_mid_l)}; J below is a sublayer's Jacobian with respect to that normed
 * input (attention over all positions of the text, causally; an MoE with its top-k choice held and its router weights
 * differentiated), the norms' own Jacobians never applied.
 * <ul>
 * <li>Value side: {@code t = W_dec[:, f]} at every position; for k = L+1 .. n-1, {@code t += J_attn_k(a_k) t}, then
 * {@code t += J_mlp_k(m_k) t}; {@code mv} the mean of t over all positions; scores {@code U . final_norm(mv)}.</li>
 * <li>Key side: {@code c = W_enc[f, :]} at every position; for l = L .. 0, {@code c += J_mlp_l(m_l)^T c}, then
 * {@code c += J_attn_l(a_l)^T c}; {@code mk} the mean of c; scores
 * {@code mk . (E[v] - e_mean) / max(|E[v] - e_mean|, 1e-8)}, with {@code e_mean} the mean token embedding over all
 * positions read.</li>
 * </ul>
 * Padding positions (texts of a batch are left-padded) hold zero vectors and count nowhere. The model must compute in
 * float32 (float64 in tests); the products are exact autograd ones ({@link Linearization}).
 */
public final class QueryLens implements AutoCloseable {

    /**
     * Positions (texts times the longest text) of one batch at most: enough for a few big matrix products per
     * sublayer, while a batch's kept sublayer inputs and one sublayer's recorded graph stay a few GiB at most for
     * models of a few billion parameters.
     */
    static final int BATCH_POSITIONS = 4096;

    /** The floor of an embedding's distance from the mean in the key readout (the reference code's). */
    private static final double NORM_EPS = 1e-8;

    /** Vocabulary rows per step of the key readout, so that no centred copy of the whole embedding is made. */
    private static final int READOUT_ROWS = 16384;

    /** One batch's propagated vectors [B, T, H] per feature (zero at padding), its real positions and their embedding sum. */
    record Propagated(NDArray[] values, NDArray[] keys, long positions, NDArray embeddingSum) {
    }

    private final Sublayers model;
    private final List<LensFeature> features;
    private final NDManager manager;
    private final DataType dtype;
    private final NDArray[] decoders;
    private final NDArray[] encoders;
    private final LinearityStats.Accumulator[] values;
    private final LinearityStats.Accumulator[] keys;
    private final int lastKeyBlock;
    private NDArray embeddingSum;
    private long positions;

    /**
     * A lens for {@code features} of {@code model} (which must hold all blocks and the head), its sums held in a
     * sub-manager of {@code parent}; IllegalArgumentException for a layer past the last block or a vector of the wrong
     * width, or a model that does not compute in float32.
     */
    public QueryLens(Sublayers model, List<LensFeature> features, NDManager parent) {
        this.dtype = model.embeddings().getDataType();
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("Query Lens runs in float32, but the model holds its weights in "
                    + dtype + " (open it in f32)");
        }
        model.unembedding();
        long hidden = model.embeddings().getShape().get(1);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("Query Lens needs at least one feature");
        }
        int last = 0;
        for (LensFeature f : features) {
            if (f.layer() < 0 || f.layer() >= model.blocks()) {
                throw new IllegalArgumentException("layer " + f.layer() + " is outside the model's blocks 0.."
                        + (model.blocks() - 1));
            }
            if (f.decoder().length != hidden || f.encoder().length != hidden) {
                throw new IllegalArgumentException("the feature at layer " + f.layer() + " has vectors of "
                        + f.decoder().length + " and " + f.encoder().length + " values, the model's hidden size is "
                        + hidden);
            }
            last = Math.max(last, f.layer());
        }
        this.model = model;
        this.features = List.copyOf(features);
        this.lastKeyBlock = last;
        this.manager = parent.newSubManager(model.embeddings().getDevice());
        int n = features.size();
        this.decoders = new NDArray[n];
        this.encoders = new NDArray[n];
        this.values = new LinearityStats.Accumulator[n];
        this.keys = new LinearityStats.Accumulator[n];
        for (int i = 0; i < n; i++) {
            decoders[i] = manager.create(features.get(i).decoder()).toType(dtype, false);
            encoders[i] = manager.create(features.get(i).encoder()).toType(dtype, false);
            values[i] = new LinearityStats.Accumulator(manager);
            keys[i] = new LinearityStats.Accumulator(manager);
        }
    }

    /**
     * Reads {@code texts} (token ids, one row per text; empty texts are skipped) in batches of at most
     * {@link #BATCH_POSITIONS} positions, adding every real position to each feature's sums.
     */
    public void add(int[][] texts) {
        for (int[][] batch : batches(texts, BATCH_POSITIONS)) {
            try (NDManager scope = manager.newSubManager()) {
                Propagated p = propagate(scope, batch);
                for (int i = 0; i < features.size(); i++) {
                    values[i].add(p.values()[i], p.positions());
                    keys[i].add(p.keys()[i], p.positions());
                }
                NDArray sum = embeddingSum == null ? p.embeddingSum() : embeddingSum.add(p.embeddingSum());
                sum.attach(manager);
                embeddingSum = sum;
                positions += p.positions();
            }
        }
    }

    /** Token positions read so far. */
    public long positions() {
        return positions;
    }

    /**
     * The reading of feature {@code index} (in the constructor's order) over every position so far;
     * IllegalStateException before any position was read.
     */
    public LensResult result(int index) {
        if (positions == 0) {
            throw new IllegalStateException("Query Lens has read no token positions");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray eMean = embeddingSum.div(positions);
            eMean.attach(scope);
            return new LensResult(unembedNormed(scope, values[index].mean(scope)),
                    centredCosine(scope, keys[index].mean(scope), eMean), unembedNormed(scope, decoders[index]),
                    positions, values[index].stats(), keys[index].stats());
        }
    }

    /** The texts cut into batches of at most {@code budget} positions (a longer text is a batch of its own). */
    static List<int[][]> batches(int[][] texts, int budget) {
        List<int[][]> out = new ArrayList<>();
        List<int[]> current = new ArrayList<>();
        int width = 0;
        for (int[] t : texts) {
            if (t.length == 0) {
                continue;
            }
            int w = Math.max(width, t.length);
            if (!current.isEmpty() && (long) w * (current.size() + 1) > budget) {
                out.add(current.toArray(int[][]::new));
                current = new ArrayList<>();
                w = t.length;
            }
            current.add(t);
            width = w;
        }
        if (!current.isEmpty()) {
            out.add(current.toArray(int[][]::new));
        }
        return out;
    }

    /** One batch through the model: the primal pass carrying the value tangents, then the key cotangents back. */
    Propagated propagate(NDManager scope, int[][] batch) {
        Sublayers.Texts texts = model.texts(scope, batch);
        NDArray real = texts.realTokens().toType(dtype, false).expandDims(-1);
        long count = Arrays.stream(batch).mapToLong(t -> t.length).sum();
        NDArray x = model.embed(scope, texts);
        NDArray embeddings = x.mul(real).sum(new int[] {0, 1});
        int n = model.blocks();
        int f = features.size();
        NDArray[] mixInputs = new NDArray[lastKeyBlock + 1];
        NDArray[] mlpInputs = new NDArray[lastKeyBlock + 1];
        NDArray[] t = new NDArray[f];
        for (int k = 0; k < n; k++) {
            int block = k;
            for (int i = 0; i < f; i++) {
                if (features.get(i).layer() == k - 1) {
                    t[i] = real.mul(decoders[i].reshape(1, 1, -1));
                }
            }
            // A block's temporaries (and the inputs it no longer needs) are freed with its scope.
            try (NDManager local = scope.newSubManager()) {
                x.attach(local);
                Arrays.stream(t).filter(Objects::nonNull).forEach(v -> v.attach(local));
                NDArray a = model.inputNorm(k, x);
                NDArray h = x.add(forward(in -> model.mix(block, in, texts), a, t, real));
                NDArray m = model.postAttentionNorm(k, h);
                x = h.add(forward(in -> model.mlp(block, in), m, t, real));
                x.attach(scope);
                Arrays.stream(t).filter(Objects::nonNull).forEach(v -> v.attach(scope));
                if (k <= lastKeyBlock) {
                    a.attach(scope);
                    m.attach(scope);
                    mixInputs[k] = a;
                    mlpInputs[k] = m;
                }
            }
        }
        NDArray[] c = new NDArray[f];
        for (int i = 0; i < f; i++) {
            if (t[i] == null) {
                t[i] = real.mul(decoders[i].reshape(1, 1, -1));
            }
            c[i] = real.mul(encoders[i].reshape(1, 1, -1));
        }
        for (int l = lastKeyBlock; l >= 0; l--) {
            int block = l;
            boolean[] active = new boolean[f];
            for (int i = 0; i < f; i++) {
                active[i] = features.get(i).layer() >= l;
            }
            try (NDManager local = scope.newSubManager()) {
                mixInputs[l].attach(local);
                mlpInputs[l].attach(local);
                backward(in -> model.mlp(block, in), mlpInputs[l], c, active, real, local);
                backward(in -> model.mix(block, in, texts), mixInputs[l], c, active, real, local);
                for (int i = 0; i < f; i++) {
                    if (active[i]) {
                        c[i].attach(scope);
                    }
                }
            }
        }
        return new Propagated(t, c, count, embeddings);
    }

    /** {@code f(at)}; each started tangent {@code t} replaced by {@code (t + J t) * real}. */
    private static NDArray forward(UnaryOperator<NDArray> f, NDArray at, NDArray[] tangents, NDArray real) {
        if (Arrays.stream(tangents).allMatch(Objects::isNull)) {
            return f.apply(at);
        }
        try (Linearization lin = Linearization.of(f, at)) {
            for (int i = 0; i < tangents.length; i++) {
                NDArray t = tangents[i];
                if (t != null) {
                    tangents[i] = t.add(lin.jvp(t)).mul(real);
                }
            }
            return lin.value(at.getManager());
        }
    }

    /** Each active cotangent {@code c} replaced by {@code (c + J^T c) * real}, the old one left in {@code local}. */
    private static void backward(UnaryOperator<NDArray> f, NDArray at, NDArray[] cotangents, boolean[] active,
                                 NDArray real, NDManager local) {
        try (Linearization lin = Linearization.of(f, at)) {
            for (int i = 0; i < cotangents.length; i++) {
                if (active[i]) {
                    NDArray c = cotangents[i];
                    c.attach(local);
                    cotangents[i] = c.add(lin.vjp(c)).mul(real);
                }
            }
        }
    }

    /** {@code U . final_norm(v)} for a residual-space vector {@code v} [H]. */
    private float[] unembedNormed(NDManager scope, NDArray v) {
        NDArray row = v.reshape(1, -1);
        row.attach(scope);
        NDArray normed = model.finalNorm(row);
        NDArray scores = model.unembedding().matMul(normed.transpose());
        scores.attach(scope); // a product led by a weight lands in the model's manager
        return scores.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** {@code mk . (E[v] - eMean) / max(|E[v] - eMean|, 1e-8)} for every vocabulary entry v. */
    private float[] centredCosine(NDManager scope, NDArray mk, NDArray eMean) {
        NDArray embedding = model.embeddings();
        int vocab = Math.toIntExact(embedding.getShape().get(0));
        float[] out = new float[vocab];
        NDArray column = mk.reshape(-1, 1);
        for (int from = 0; from < vocab; from += READOUT_ROWS) {
            int to = Math.min(vocab, from + READOUT_ROWS);
            try (NDManager rows = scope.newSubManager()) {
                NDArray centred = embedding.get(rows, new NDIndex("{}:{}", from, to)).sub(eMean);
                NDArray norms = centred.norm(new int[] {1}).maximum(NORM_EPS);
                float[] part = centred.matMul(column).reshape(-1).div(norms).toType(DataType.FLOAT32, false)
                        .toFloatArray();
                System.arraycopy(part, 0, out, from, part.length);
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
