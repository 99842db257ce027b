package org.toxiscope.features.sae;

/** How an SAE turns pre-activations {@code pre = x @ W_enc.T + b_enc} into its sparse code. */
public enum SaeActivation {
    /** Keep the k largest entries of {@code pre} as they are, negative ones included (Qwen-Scope model card). */
    TOPK,
    /** Keep the k largest entries of {@code relu(pre)} (Qwen-Scope demo app; SAELens topk). */
    TOPK_RELU,
    /** Keep every {@code pre[f] > threshold[f]} (and > 0) (SAELens jumprelu). */
    JUMPRELU,
    /** Keep every {@code pre[f] > 0} (SAELens standard). */
    RELU;

    /** Whether the code has exactly k entries per token. */
    public boolean isTopK() {
        return this == TOPK || this == TOPK_RELU;
    }
}
