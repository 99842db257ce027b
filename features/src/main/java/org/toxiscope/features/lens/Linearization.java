package org.toxiscope.features.lens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;

/**
 * One sublayer {@code f} linearised at a point {@code x0}: its value {@code f(x0)} and its Jacobian {@code J} applied,
 * exactly, to any number of tangents ({@code J t}) and cotangents ({@code J^T c}). Both products run by autograd on
 * one recorded graph: {@code J^T c} directly, {@code J t} by the double-VJP trick (with {@code u} a zero cotangent,
 * {@code g(u) = J^T u} is linear in {@code u} and {@code J t} is its VJP with {@code t}). Holds the graph until closed.
 */
final class Linearization implements AutoCloseable {

    private final NDManager scope;
    private final NDArray input;
    private final NDArray output;
    private NDArray dual;
    private NDArray pullback;

    private Linearization(NDManager scope, NDArray input, NDArray output) {
        this.scope = scope;
        this.input = input;
        this.output = output;
    }

    /** {@code f} recorded at {@code x0} (a copy of it is the graph's input, so {@code x0} itself stays untouched). */
    static Linearization of(UnaryOperator<NDArray> f, NDArray x0) {
        NDManager scope = x0.getManager().newSubManager();
        try {
            NDArray input = x0.duplicate();
            input.attach(scope);
            input.setRequiresGradient(true);
            NDArray output;
            try (GradientCollector recording = scope.getEngine().newGradientCollector()) {
                output = f.apply(input);
            }
            return new Linearization(scope, input, output);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** {@code f(x0)} without history, in {@code manager}. */
    NDArray value(NDManager manager) {
        NDArray v = output.stopGradient();
        v.attach(manager);
        return v;
    }

    /** {@code J t} for a tangent shaped like {@code x0}, in {@code t}'s manager. */
    NDArray jvp(NDArray t) {
        if (pullback == null) {
            dual = scope.zeros(output.getShape(), output.getDataType());
            dual.setRequiresGradient(true);
            pullback = Autograd.vjp(output, input, dual, true);
        }
        NDArray product = Autograd.vjp(pullback, dual, t, false);
        product.attach(t.getManager());
        return product;
    }

    /** {@code J^T c} for a cotangent shaped like {@code f(x0)}, in {@code c}'s manager. */
    NDArray vjp(NDArray c) {
        NDArray product = Autograd.vjp(output, input, c, false);
        product.attach(c.getManager());
        return product;
    }

    @Override
    public void close() {
        scope.close();
    }
}
