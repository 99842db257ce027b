package org.toxiscope.features.sae;

/** On-disk SAE layouts the loaders read. */
public enum SaeFormat {
    /** Qwen-Scope {@code layer{n}.sae.pt}: torch.save dict W_enc (d_sae, d_model), W_dec (d_model, d_sae), b_enc, b_dec. */
    QWEN_SCOPE_PT,
    /** SAELens folder: cfg.json + sae_weights.safetensors with W_enc (d_in, d_sae), W_dec (d_sae, d_in). */
    SAELENS
}
