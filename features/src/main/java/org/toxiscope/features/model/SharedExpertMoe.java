package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The MoE block of Qwen3.5-MoE / Qwen3-Next: the routed experts plus an always-on shared expert scaled by a learned
 * per-token gate, {@code routed(x) + sigmoid(x W_g) * shared(x)}.
 */
record SharedExpertMoe(SparseMoe routed, SwiGlu shared, Linear sharedGate) implements Mlp {

    @Override
    public NDArray apply(NDArray x) {
        return routed.apply(x).add(shared.apply(x).mul(Activation.sigmoid(sharedGate.apply(x))));
    }
}
