package org.toxiscope.features.io;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.nio.file.Path;

/**
 * The operations of the bfloat16 runtime DJL's JNI cannot express (it aborts the JVM when asked to create or cast to
 * bf16) or runs as a loop of many calls, run as a tiny TorchScript module ({@link ScriptModules}) loaded once per
 * process: narrowing any tensor to bf16, mapping a file's bytes as a bf16 tensor without copying them, moving a bf16
 * tensor to another device, the two-step SAE encode's float32 re-score of each row's own candidates, and oneDNN's
 * linear layer on weights reordered once into its blocked layout (a second module, since a libtorch built without
 * oneDNN lacks those ops and must still run the rest). Every other operation (matmul, add, softmax, indexing,
 * {@code toType(FLOAT32)}) runs on bf16 tensors through DJL as is; DJL reports their dtype as {@code UNKNOWN}.
 */
public final class Bf16Kernels {

    /** TorchScript's serialized form (the code torch.jit.save writes); 15 is torch's ScalarType for bfloat16. */
    private static final String CODE = """
            class Kernels(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Kernels,
                x: Tensor) -> Tensor:
                return torch.to(x, 15)
              def to_like(self: __torch__.Kernels,
                x: Tensor,
                like: Tensor) -> Tensor:
                return torch.to(x, ops.prim.device(like))
              def map_file(self: __torch__.Kernels,
                path: str,
                numel: int) -> Tensor:
                return torch.from_file(path, False, numel, dtype=15)
              def candidate_dots(self: __torch__.Kernels,
                x: Tensor,
                rows: Tensor,
                candidates: Tensor,
                block: int) -> Tensor:
                n = torch.size(candidates, 0)
                c = torch.size(candidates, 1)
                d = torch.size(rows, 1)
                parts = [torch.new_zeros(x, [0, c])]
                for i in range(0, n, block):
                  j = min(torch.add(i, block), n)
                  picked = torch.reshape(torch.slice(candidates, 0, i, j), [-1])
                  gathered = torch.reshape(torch.index_select(rows, 0, picked), [-1, c, d])
                  column = torch.unsqueeze(torch.slice(x, 0, i, j), -1)
                  parts.append(torch.squeeze(torch.bmm(gathered, column), -1))
                return torch.cat(parts)
            """;

    /**
     * oneDNN's linear on a prepacked weight, as torch.compile's CPU freezing pass uses it; the empty scalars list is
     * typed as the op's schema ({@code Scalar?[]}) needs.
     */
    private static final String PACKED_CODE = """
            class Packed(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Packed,
                x: Tensor,
                weight: Tensor) -> Tensor:
                return ops.mkldnn._linear_pointwise(x, weight, None, "none", annotate(List[Optional[number]], []), None)
              def with_bias(self: __torch__.Packed,
                x: Tensor,
                weight: Tensor,
                bias: Tensor) -> Tensor:
                return ops.mkldnn._linear_pointwise(x, weight, bias, "none", annotate(List[Optional[number]], []), None)
              def pack(self: __torch__.Packed,
                weight: Tensor,
                rows: int) -> Tensor:
                return ops.mkldnn._reorder_linear_weight(weight, rows)
            """;

    private static volatile Bf16Kernels instance;

    private final PtSymbolBlock module;

    private Bf16Kernels(PtSymbolBlock module) {
        this.module = module;
    }

    /** The packed-linear module, loaded and probed on the first packed layer only (f32 and GPU runs never need it). */
    private static final class Packed {
        static final PtSymbolBlock MODULE = packedModule(get().module);
    }

    /** The process's kernels, loaded on first use and kept (like the engine itself) until the JVM exits. */
    public static Bf16Kernels get() {
        Bf16Kernels k = instance;
        if (k == null) {
            synchronized (Bf16Kernels.class) {
                k = instance;
                if (k == null) {
                    k = new Bf16Kernels(ScriptModules.load("Kernels", CODE));
                    instance = k;
                }
            }
        }
        return k;
    }

    /**
     * The packed-linear module where one tiny layer packs and multiplies: this libtorch has the ops and oneDNN runs
     * bf16 on this CPU (it refuses one without AVX-512 BW/VL/DQ, where matmul still multiplies bf16); else null.
     */
    private static PtSymbolBlock packedModule(PtSymbolBlock main) {
        try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
            PtSymbolBlock packed = ScriptModules.load("Packed", PACKED_CODE);
            NDArray weight = run(main, probe, "forward", IValue.from((PtNDArray) probe.ones(new Shape(4, 8))));
            NDArray x = run(main, probe, "forward", IValue.from((PtNDArray) probe.ones(new Shape(2, 8))));
            NDArray w = run(packed, probe, "pack", IValue.from((PtNDArray) weight), IValue.from(2L));
            run(packed, probe, "forward", IValue.from((PtNDArray) x), IValue.from((PtNDArray) w));
            return packed;
        } catch (EngineException e) {
            return null;
        }
    }

    /** Whether {@link #pack} and {@link #linear} can run: see {@link #packedModule}. */
    public boolean canPack() {
        return Packed.MODULE != null;
    }

    /**
     * A CPU bf16 Linear weight [out, in] reordered into oneDNN's blocked layout for inputs of about {@code rows} rows,
     * a new array in {@code manager} that only {@link #linear} reads (any other op may fail on it); its shape is still
     * [out, in].
     */
    public NDArray pack(NDArray weight, long rows, NDManager manager) {
        return run(Packed.MODULE, manager, "pack", IValue.from((PtNDArray) weight), IValue.from(rows));
    }

    /**
     * {@code x @ W^T + bias} for bf16 {@code x} [..., in], a weight {@link #pack}ed and a bf16 {@code bias} [out]
     * (null: none), the bias added to the float32 accumulator before the one rounding to bf16; in {@code x}'s
     * manager.
     */
    public NDArray linear(NDArray x, NDArray packedWeight, NDArray bias) {
        if (bias == null) {
            return run(Packed.MODULE, x.getManager(), "forward", IValue.from((PtNDArray) x),
                    IValue.from((PtNDArray) packedWeight));
        }
        return run(Packed.MODULE, x.getManager(), "with_bias", IValue.from((PtNDArray) x),
                IValue.from((PtNDArray) packedWeight), IValue.from((PtNDArray) bias));
    }

    /** {@code x} as bfloat16 (rounded to nearest even), a new array in {@code x}'s manager; x itself if already bf16. */
    public NDArray narrow(NDArray x) {
        return run(x.getManager(), "forward", IValue.from((PtNDArray) x));
    }

    /** {@code x} on {@code like}'s device, in {@code like}'s manager: the copy DJL's own toDevice cannot make of bf16. */
    public NDArray toDeviceOf(NDArray x, NDArray like) {
        return run(like.getManager(), "to_like", IValue.from((PtNDArray) x), IValue.from((PtNDArray) like));
    }

    /**
     * The first {@code numel} bf16 values of {@code file} as a 1-D CPU tensor in {@code manager}, backed by a private
     * read-only-file mapping: no byte is copied, and pages are read from the file only when used.
     */
    public NDArray mapFile(Path file, long numel, NDManager manager) {
        return run(manager, "map_file", IValue.from(file.toAbsolutePath().toString()), IValue.from(numel));
    }

    /**
     * {@code out[n, j] = x[n] . rows[candidates[n, j]]} for {@code x} [N, D], {@code rows} [R, D] and int64
     * {@code candidates} [N, C], in {@code x}'s manager and dtype. {@code block} rows of {@code x} at a time gather
     * their candidates' rows (so a small block's rows are still in cache when multiplied), in one loop on the
     * calling thread: a TorchScript {@code fork} would run on another thread, whose own OpenMP team makes libgomp
     * (more of its threads than CPUs) stop spinning between parallel regions in every team, which cost the whole
     * bf16 features pass about 10%.
     */
    public NDArray candidateDots(NDArray x, NDArray rows, NDArray candidates, long block) {
        return run(x.getManager(), "candidate_dots", IValue.from((PtNDArray) x), IValue.from((PtNDArray) rows),
                IValue.from((PtNDArray) candidates), IValue.from(block));
    }

    private NDArray run(NDManager manager, String method, IValue... inputs) {
        return run(module, manager, method, inputs);
    }

    private static NDArray run(PtSymbolBlock on, NDManager manager, String method, IValue... inputs) {
        try (IValue out = IValueUtils.runMethod(on, method, inputs)) {
            return out.toTensor((PtNDManager) manager);
        } finally {
            for (IValue in : inputs) {
                in.close();
            }
        }
    }
}
