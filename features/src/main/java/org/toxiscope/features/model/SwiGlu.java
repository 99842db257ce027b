package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The SwiGLU MLP: {@code down(silu(gate(x)) * up(x))}. */
record SwiGlu(Linear gateProj, Linear upProj, Linear downProj) implements Mlp {

    @Override
    public NDArray apply(NDArray x) {
        NDArray gate = gateProj.apply(x);
        NDArray silu = gate.mul(Activation.sigmoid(gate));
        return downProj.apply(silu.mul(upProj.apply(x)));
    }
}
