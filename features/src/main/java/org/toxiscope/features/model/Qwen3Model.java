package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * The Qwen3-family decoder on DJL: embeddings, n pre-norm blocks, final norm, tied or untied unembedding; weights and
 * the residual stream in the model's {@link ComputeDtype}. {@link #load} builds Qwen3 and Qwen3-MoE (Hugging Face {@code Qwen3ForCausalLM} /
 * {@code Qwen3MoeForCausalLM}); {@link Qwen35Model#load} builds the hybrid Qwen3.5 blocks into the same runtime.
 */
public final class Qwen3Model implements LanguageModel {

    private final ModelConfig config;
    private final ComputeDtype dtype;
    private final NDManager manager;
    private final NDArray embeddings;
    private final DecoderBlock[] blocks;
    private final RmsNorm finalNorm;
    /**
     * [V, H], as stored. For the last positions' logits in float32 {@code W @ h^T} runs about twice as fast on CPU as
     * {@code h @ W^T} for small batches; in bf16 it is the other way round from 2 rows on (oneDNN), hence also
     * {@link #unembeddingT}, a transposed view.
     */
    private final NDArray unembedding;
    private final NDArray unembeddingT;

    Qwen3Model(ModelConfig config, ComputeDtype dtype, NDManager manager, NDArray embeddings, DecoderBlock[] blocks,
                       RmsNorm finalNorm, NDArray unembedding) {
        this.config = config;
        this.dtype = dtype;
        this.manager = manager;
        this.embeddings = embeddings;
        this.blocks = blocks;
        this.finalNorm = finalNorm;
        this.unembedding = unembedding;
        this.unembeddingT = unembedding == null ? null : unembedding.transpose();
    }

    /**
     * Loads the embeddings and blocks {@code 0..lastBlock} (all blocks and the head when {@code lastBlock} is -1 or
     * the last block) onto {@code device}, in {@code dtype}.
     */
    public static Qwen3Model load(ModelConfig config, Weights weights, Device device, ComputeDtype dtype,
                                  int lastBlock) {
        return load(config, weights, device, dtype, lastBlock, Attention.SCORE_BUDGET);
    }

    /** {@link #load} with attention scores computed in query blocks of at most {@code scoreBudget} bytes. */
    static Qwen3Model load(ModelConfig config, Weights weights, Device device, ComputeDtype dtype, int lastBlock,
                           long scoreBudget) {
        int n = lastBlock < 0 || lastBlock >= config.numLayers() - 1 ? config.numLayers() : lastBlock + 1;
        boolean head = n == config.numLayers();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            float eps = (float) config.rmsNormEps();
            NDArray embeddings = weights.load("model.embed_tokens.weight", manager, dtype);
            RotaryEmbedding rope = new RotaryEmbedding(manager, config.headDim(), config.ropeTheta(), dtype);
            DecoderBlock[] blocks = new DecoderBlock[n];
            for (int i = 0; i < n; i++) {
                String p = "model.layers." + i + ".";
                Attention attention = new Attention(i, Linear.load(weights, p + "self_attn.q_proj", manager, dtype),
                        Linear.load(weights, p + "self_attn.k_proj", manager, dtype),
                        Linear.load(weights, p + "self_attn.v_proj", manager, dtype),
                        Linear.load(weights, p + "self_attn.o_proj", manager, dtype),
                        norm(weights, p + "self_attn.q_norm.weight", manager, eps, dtype),
                        norm(weights, p + "self_attn.k_norm.weight", manager, eps, dtype),
                        config.numHeads(), config.numKvHeads(), config.headDim(), rope, false, scoreBudget, dtype);
                Mlp mlp = config.isSparseLayer(i) ? sparseMoe(config, weights, p + "mlp.", manager, dtype)
                        : swiGlu(weights, p + "mlp.", manager, dtype);
                blocks[i] = new DecoderBlock(norm(weights, p + "input_layernorm.weight", manager, eps, dtype),
                        attention, norm(weights, p + "post_attention_layernorm.weight", manager, eps, dtype), mlp);
            }
            RmsNorm norm = null;
            NDArray unembedding = null;
            if (head) {
                norm = norm(weights, "model.norm.weight", manager, eps, dtype);
                unembedding = unembedding(config, weights, embeddings, manager, dtype);
            }
            return new Qwen3Model(config, dtype, manager, embeddings, blocks, norm, unembedding);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** An RMSNorm of weight {@code name}: the weight stays float32 in every dtype (norms compute in float32). */
    static RmsNorm norm(Weights weights, String name, NDManager manager, float eps, ComputeDtype dtype) {
        return new RmsNorm(weights.load(name, manager), eps, dtype);
    }

    /** [V, H]: the lm_head, or the embeddings where they are tied. */
    static NDArray unembedding(ModelConfig config, Weights weights, NDArray embeddings, NDManager manager,
                               ComputeDtype dtype) {
        return config.tieWordEmbeddings() || !weights.has("lm_head.weight")
                ? embeddings : weights.load("lm_head.weight", manager, dtype);
    }

    static SwiGlu swiGlu(Weights weights, String prefix, NDManager manager, ComputeDtype dtype) {
        return new SwiGlu(Linear.load(weights, prefix + "gate_proj", manager, dtype),
                Linear.load(weights, prefix + "up_proj", manager, dtype),
                Linear.load(weights, prefix + "down_proj", manager, dtype));
    }

    static SparseMoe sparseMoe(ModelConfig config, Weights weights, String prefix, NDManager manager,
                               ComputeDtype dtype) {
        int count = config.moe().numExperts();
        SwiGlu[] experts;
        if (weights.has(prefix + "experts.gate_up_proj")) {
            // Fused layout (Qwen3.5-MoE): gate_up_proj [E, 2I, H] (gate rows first), down_proj [E, H, I].
            experts = Linear.read(manager, dtype, source -> {
                NDArray gateUp = weights.load(prefix + "experts.gate_up_proj", source, dtype);
                NDArray down = weights.load(prefix + "experts.down_proj", source, dtype);
                long inter = gateUp.getShape().get(1) / 2;
                SwiGlu[] fused = new SwiGlu[count];
                for (int e = 0; e < count; e++) {
                    NDArray w = gateUp.get(e);
                    fused[e] = new SwiGlu(Linear.of(w.get(new NDIndex(":{}", inter)), manager, dtype),
                            Linear.of(w.get(new NDIndex("{}:", inter)), manager, dtype),
                            Linear.of(down.get(e), manager, dtype));
                }
                return fused;
            });
        } else {
            experts = new SwiGlu[count];
            for (int e = 0; e < count; e++) {
                experts[e] = swiGlu(weights, prefix + "experts." + e + ".", manager, dtype);
            }
        }
        return new SparseMoe(Linear.load(weights, prefix + "gate", manager, dtype), experts,
                config.moe().expertsPerToken(), config.moe().normTopkProb(), dtype);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ComputeDtype dtype() {
        return dtype;
    }

    @Override
    public int loadedBlocks() {
        return blocks.length;
    }

    @Override
    public boolean hasHead() {
        return unembedding != null;
    }

    @Override
    public DecodeState newState(NDManager parent, int batch) {
        return new DecodeState(parent, batch, blocks.length);
    }

    @Override
    public ForwardResult forward(NDManager out, int[][] tokens, DecodeState state, ForwardOptions options) {
        int last = options.lastBlock(config.numLayers());
        if (last >= blocks.length || (options.logits() && !hasHead())) {
            throw new IllegalStateException("block " + last + " or the head is not loaded (loaded blocks 0.."
                    + (blocks.length - 1) + ")");
        }
        Map<Integer, NDArray> steering = new HashMap<>();
        try (NDManager step = out.newSubManager()) {
            BatchLayout layout = BatchLayout.of(step, tokens, state);
            options.steering().add().forEach((layer, v) -> steering.put(layer, steeringVector(step, v, layout,
                    options.steering())));
            NDArray x = embeddings.get(step, new NDIndex("{}", layout.tokens()));
            Map<Integer, NDArray> captured = new HashMap<>();
            for (int i = 0; i <= last; i++) {
                // Each block's temporaries live in a scope of their own, freed as soon as the block is done:
                // otherwise a long prefill holds every block's attention scores and MLP activations at once.
                try (NDManager blockScope = step.newSubManager()) {
                    x.tempAttach(blockScope);
                    NDArray h = blocks[i].apply(x, layout, state);
                    NDArray add = steering.get(i);
                    if (add != null) {
                        // The float32 addend would promote the sum: the stream stays in the model's dtype.
                        h = dtype.narrow(h.add(add));
                    }
                    h.attach(step);
                    x = h;
                }
                if (options.capture().contains(i)) {
                    captured.put(i, ComputeDtype.widen(x));
                }
            }
            // Blocks past `last` never ran this step: their caches stay behind, so incremental decoding needs logits.
            NDArray logits = null;
            if (options.logits()) {
                NDArray lastHidden = finalNorm.apply(x.get(new NDIndex(":, -1, :")));
                NDArray rows;
                if (dtype == ComputeDtype.F32) {
                    NDArray columns = unembedding.matMul(lastHidden.transpose());
                    columns.attach(step); // ops on a weight land in the model's manager: move the result to this step
                    rows = columns.transpose();
                } else {
                    rows = lastHidden.matMul(unembeddingT);
                }
                logits = ComputeDtype.widen(rows);
                logits.attach(out);
            }
            captured.values().forEach(a -> a.attach(out));
            state.advance(layout);
            return new ForwardResult(captured, logits, layout.padding());
        }
    }

    /** [B, T, H] steering addend: {@code v} at every position at or after the row's start, zero before. */
    private static NDArray steeringVector(NDManager step, float[] v, BatchLayout layout, Steering steering) {
        NDArray vector = step.create(v, new Shape(1, 1, v.length));
        int[] rowFrom = steering.rowFrom();
        if (rowFrom == null && steering.fromPosition() <= 0) {
            return vector;
        }
        NDArray after;
        if (rowFrom != null) {
            if (rowFrom.length != layout.batch()) {
                throw new IllegalArgumentException("steering has " + rowFrom.length + " row starts for a batch of "
                        + layout.batch());
            }
            after = layout.positions().gte(step.create(rowFrom, new Shape(rowFrom.length, 1)).toType(
                    ai.djl.ndarray.types.DataType.INT64, false));
        } else {
            after = layout.positions().gte(steering.fromPosition());
        }
        return after.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(-1).mul(vector);
    }

    @Override
    public Sublayers sublayers() {
        return new Sublayers(embeddings, blocks, finalNorm, unembedding);
    }

    @Override
    public float[] unembed(float[] direction, NDManager parent) {
        if (!hasHead()) {
            throw new IllegalStateException("the unembedding is not loaded");
        }
        try (NDManager local = parent.newSubManager()) {
            NDArray column = dtype.narrow(local.create(direction, new Shape(direction.length, 1)));
            NDArray scores = unembedding.matMul(column);
            scores.attach(local);
            return ComputeDtype.widen(scores).toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
