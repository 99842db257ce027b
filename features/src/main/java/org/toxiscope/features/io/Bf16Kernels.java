package org.toxiscope.features.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bfloat16 operations DJL's JNI cannot express (it aborts the JVM when asked to create or cast to bf16), run as
 * a tiny TorchScript module that this class writes itself and loads once per process: narrowing any tensor to bf16,
 * mapping a file's bytes as a bf16 tensor without copying them, and moving a bf16 tensor to another device. Every
 * other operation (matmul, add, softmax, indexing, {@code toType(FLOAT32)}) runs on bf16 tensors through DJL as is;
 * DJL reports their dtype as {@code UNKNOWN}.
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
            """;

    private static volatile Bf16Kernels instance;

    private final PtSymbolBlock module;

    private Bf16Kernels(PtSymbolBlock module) {
        this.module = module;
    }

    /** The process's kernels, loaded on first use and kept (like the engine itself) until the JVM exits. */
    public static Bf16Kernels get() {
        Bf16Kernels k = instance;
        if (k == null) {
            synchronized (Bf16Kernels.class) {
                k = instance;
                if (k == null) {
                    k = new Bf16Kernels(load());
                    instance = k;
                }
            }
        }
        return k;
    }

    private static PtSymbolBlock load() {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", modulePickle());
        records.put("code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
        records.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try {
            TorchSaveWriter.writeZip(archive, "kernels", records);
            // The module has no parameters, so the manager only owns the handle; it lives as long as the process.
            PtNDManager owner = (PtNDManager) NDManager.newBaseManager(Device.cpu());
            return JniUtils.loadModule(owner, new ByteArrayInputStream(archive.toByteArray()), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the bf16 kernel module: " + e.getMessage(), e);
        }
    }

    /** {@code __torch__.Kernels} with state {@code {'training': False}}, as pickle protocol 2. */
    private static byte[] modulePickle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes("__torch__\nKernels\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        out.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) 0x89, 'u', 'b', '.'});
        return out.toByteArray();
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

    private NDArray run(NDManager manager, String method, IValue... inputs) {
        try (IValue out = IValueUtils.runMethod(module, method, inputs)) {
            return out.toTensor((PtNDManager) manager);
        } finally {
            for (IValue in : inputs) {
                in.close();
            }
        }
    }
}
