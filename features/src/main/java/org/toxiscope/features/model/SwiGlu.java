package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The SwiGLU MLP: {@code down(silu(gate(x)) * up(x))}; weights held transposed ([in, out]) for {@code x @ W}. */
record SwiGlu(NDArray gateT, NDArray upT, NDArray downT) implements Mlp {

    @Override
    public NDArray apply(NDArray x) {
        NDArray gate = x.matMul(gateT);
        NDArray silu = gate.mul(Activation.sigmoid(gate));
        return silu.mul(x.matMul(upT)).matMul(downT);
    }
}
