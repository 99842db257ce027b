/**
 * The Qwen3, Qwen3-MoE and Qwen3.5 forward passes on DJL's PyTorch engine: configuration, blocks, attention, MLPs, the gated delta rule, tokenizer, generation and steering.
 */
package org.toxiscope.features.model;
