package org.toxiscope.features.lens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import org.toxiscope.features.io.ScriptModules;

/**
 * Vector-Jacobian products by torch's {@code autograd.grad}, run as a TorchScript kernel. DJL's own backward only
 * accumulates into the leaves' {@code .grad}: with {@code create_graph} (needed for the double-VJP JVP) that ties each
 * leaf to a gradient whose graph holds the leaf again, a reference cycle libtorch never frees (a few MiB lost per
 * call), and it cannot name the inputs to differentiate, so it would also run the unused second-order terms.
 */
final class Autograd {

    /** TorchScript's serialized form; the graph is always kept, so one linearisation serves many vectors. */
    private static final String CODE = """
            class Autograd(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Autograd,
                y: Tensor,
                x: Tensor,
                v: Tensor,
                create: Tensor) -> Tensor:
                graph = bool(create)
                cotangents = annotate(List[Optional[Tensor]], [v])
                grads = torch.autograd.grad([y], [x], cotangents, True, graph)
                return unchecked_cast(Tensor, grads[0])
            """;

    private static volatile PtSymbolBlock module;

    private Autograd() {
    }

    /**
     * {@code v^T dy/dx}: the gradient of {@code sum(v * y)} with respect to {@code x} (which {@code y} must depend on),
     * in {@code y}'s manager; with {@code differentiable} the result keeps its own graph (as a function of {@code v}
     * and {@code x}), so it can be differentiated again.
     */
    static NDArray vjp(NDArray y, NDArray x, NDArray v, boolean differentiable) {
        NDArray flag = y.getManager().create(differentiable);
        // isTrain: DJL runs other module calls in inference mode, whose results carry no graph.
        NDList out = IValueUtils.forward(module(), new NDList(y, x, v, flag), true);
        flag.close();
        return out.singletonOrThrow();
    }

    private static PtSymbolBlock module() {
        PtSymbolBlock m = module;
        if (m == null) {
            synchronized (Autograd.class) {
                m = module;
                if (m == null) {
                    m = ScriptModules.load("Autograd", CODE);
                    module = m;
                }
            }
        }
        return m;
    }
}
