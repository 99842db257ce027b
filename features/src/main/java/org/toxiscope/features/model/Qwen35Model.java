package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Builds the hybrid Qwen3.5 / Qwen3.5-MoE text model (Hugging Face {@code Qwen3_5ForConditionalGeneration}'s
 * language model, {@code Qwen3_5ForCausalLM}, {@code Qwen3_5MoeForCausalLM}; also {@code Qwen3NextForCausalLM},
 * whose fused input projections are regrouped at load time) into the {@link Qwen3Model} runtime: Gated DeltaNet
 * blocks with every few layers a gated full-attention block with partial rotary embedding, RMSNorms with zero-centred
 * weights {@code (1 + w)}, a SwiGLU MLP or routed experts with a gated shared expert. Text weights are read under
 * {@code model.language_model.} (multimodal releases) or {@code model.}; vision and MTP weights are never read.
 */
public final class Qwen35Model {

    private Qwen35Model() {
    }

    /**
     * Loads the embeddings and blocks {@code 0..lastBlock} (all blocks and the head when {@code lastBlock} is -1 or
     * the last block) onto {@code device}, in {@code dtype}.
     */
    public static Qwen3Model load(ModelConfig config, Weights weights, Device device, ComputeDtype dtype,
                                  int lastBlock) {
        HybridConfig hybrid = HybridConfig.of(config);
        int n = lastBlock < 0 || lastBlock >= config.numLayers() - 1 ? config.numLayers() : lastBlock + 1;
        boolean head = n == config.numLayers();
        String prefix = textPrefix(weights);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            float eps = (float) config.rmsNormEps();
            NDArray embeddings = weights.load(prefix + "embed_tokens.weight", manager, dtype);
            RotaryEmbedding rope = new RotaryEmbedding(manager, hybrid.rotaryDim(), config.ropeTheta(), dtype);
            DecoderBlock[] blocks = new DecoderBlock[n];
            for (int i = 0; i < n; i++) {
                String p = prefix + "layers." + i + ".";
                TokenMixer mixer = hybrid.isLinear(i)
                        ? gatedDeltaNet(i, hybrid, weights, p + "linear_attn.", manager, eps, dtype)
                        : attention(i, config, hybrid, weights, p + "self_attn.", manager, rope, eps, dtype);
                blocks[i] = new DecoderBlock(norm(weights, p + "input_layernorm", manager, eps, dtype), mixer,
                        norm(weights, p + "post_attention_layernorm", manager, eps, dtype),
                        mlp(i, config, hybrid, weights, p + "mlp.", manager, dtype));
            }
            RmsNorm finalNorm = null;
            NDArray unembeddingT = null;
            if (head) {
                finalNorm = norm(weights, prefix + "norm", manager, eps, dtype);
                unembeddingT = Qwen3Model.unembedding(config, weights, embeddings, manager, dtype);
            }
            return new Qwen3Model(config, dtype, manager, embeddings, blocks, finalNorm, unembeddingT);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** {@code model.language_model.} where the checkpoint is a multimodal release, else {@code model.}. */
    static String textPrefix(Weights weights) {
        return weights.has("model.language_model.embed_tokens.weight") ? "model.language_model." : "model.";
    }

    /** A zero-centred RMSNorm: the stored weight is {@code w} and the scale is {@code 1 + w}, kept in float32. */
    private static RmsNorm norm(Weights weights, String name, NDManager manager, float eps, ComputeDtype dtype) {
        return new RmsNorm(weights.load(name + ".weight", manager).add(1f), eps, dtype);
    }

    private static GatedDeltaNet gatedDeltaNet(int index, HybridConfig h, Weights weights, String p,
                                               NDManager manager, float eps, ComputeDtype dtype) {
        // conv1d.weight is [channels, 1, kernel]: keep it as [kernel, channels] so tap j scales a [B, T, C] slice.
        NDArray conv = weights.load(p + "conv1d.weight", manager, dtype);
        NDArray convWeight = conv.reshape(conv.getShape().get(0), conv.getShape().get(2)).transpose();
        Linear[] in = weights.has(p + "in_proj_qkvz.weight") ? groupedProjections(h, weights, p, manager, dtype)
                : new Linear[] {Linear.load(weights, p + "in_proj_qkv", manager, dtype),
                    Linear.load(weights, p + "in_proj_z", manager, dtype),
                    Linear.load(weights, p + "in_proj_b", manager, dtype),
                    Linear.load(weights, p + "in_proj_a", manager, dtype)};
        return new GatedDeltaNet(index, in[0], in[1], in[2], in[3], convWeight,
                weights.load(p + "dt_bias", manager), weights.load(p + "A_log", manager).exp().neg(),
                Qwen3Model.norm(weights, p + "norm.weight", manager, eps, dtype),
                Linear.load(weights, p + "out_proj", manager, dtype), h.linearKeyHeads(), h.linearValueHeads(),
                h.linearKeyDim(), h.linearValueDim(), dtype);
    }

    /**
     * Qwen3-Next's fused in_proj_qkvz / in_proj_ba, whose rows are grouped per key head ({@code [q, k, v, z]} with
     * {@code r = valueHeads / keyHeads} value heads per group, and {@code [b, a]}), as the qkv, z, b and a
     * projections of the split layout.
     */
    private static Linear[] groupedProjections(HybridConfig h, Weights weights, String p, NDManager manager,
                                               ComputeDtype dtype) {
        long keys = h.linearKeyHeads();
        long dk = h.linearKeyDim();
        long r = h.linearValueHeads() / h.linearKeyHeads();
        long values = r * h.linearValueDim();
        return Linear.read(manager, dtype, source -> {
            NDArray qkvz = weights.load(p + "in_proj_qkvz.weight", source, dtype);
            long hidden = qkvz.getShape().get(1);
            NDArray grouped = qkvz.reshape(keys, 2 * dk + 2 * values, hidden);
            NDArray q = rows(grouped, 0, dk);
            NDArray k = rows(grouped, dk, 2 * dk);
            NDArray v = rows(grouped, 2 * dk, 2 * dk + values);
            NDArray z = rows(grouped, 2 * dk + values, 2 * dk + 2 * values);
            NDArray ba = weights.load(p + "in_proj_ba.weight", source, dtype).reshape(keys, 2 * r, hidden);
            return new Linear[] {Linear.of(q.concat(k, 0).concat(v, 0), manager, dtype), Linear.of(z, manager, dtype),
                Linear.of(rows(ba, 0, r), manager, dtype), Linear.of(rows(ba, r, 2 * r), manager, dtype)};
        });
    }

    /** Rows {@code from..to} of every group of [groups, rows, H], stacked group after group as [groups * n, H]. */
    private static NDArray rows(NDArray grouped, long from, long to) {
        return grouped.get(new NDIndex(":, {}:{}, :", from, to)).reshape(-1, grouped.getShape().get(2));
    }

    private static Attention attention(int index, ModelConfig c, HybridConfig h, Weights weights, String p,
                                       NDManager manager, RotaryEmbedding rope, float eps, ComputeDtype dtype) {
        return new Attention(index, Linear.load(weights, p + "q_proj", manager, dtype),
                Linear.load(weights, p + "k_proj", manager, dtype),
                Linear.load(weights, p + "v_proj", manager, dtype),
                Linear.load(weights, p + "o_proj", manager, dtype), norm(weights, p + "q_norm", manager, eps, dtype),
                norm(weights, p + "k_norm", manager, eps, dtype), c.numHeads(), c.numKvHeads(), c.headDim(), rope,
                h.attentionOutputGate(), Attention.SCORE_BUDGET, dtype);
    }

    private static Mlp mlp(int index, ModelConfig c, HybridConfig h, Weights weights, String p, NDManager manager,
                           ComputeDtype dtype) {
        if (!c.isSparseLayer(index)) {
            return Qwen3Model.swiGlu(weights, p, manager, dtype);
        }
        SparseMoe routed = Qwen3Model.sparseMoe(c, weights, p, manager, dtype);
        if (h.sharedExpertIntermediateSize() == 0 && !weights.has(p + "shared_expert_gate.weight")) {
            return routed;
        }
        return new SharedExpertMoe(routed, Qwen3Model.swiGlu(weights, p + "shared_expert.", manager, dtype),
                Linear.load(weights, p + "shared_expert_gate", manager, dtype));
    }
}
