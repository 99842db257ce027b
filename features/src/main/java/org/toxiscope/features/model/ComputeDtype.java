package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.toxiscope.features.io.Bf16Kernels;

/**
 * The dtype a model's weights and activations are held and computed in. {@link #BF16} follows Hugging Face's bf16
 * inference: projections, attention products, MLPs and experts in bf16; norm statistics, softmaxes, the router, the
 * gated delta rule and the logits in float32. {@link #F32} is float32 throughout.
 */
public enum ComputeDtype {
    F32("f32"), BF16("bf16");

    /** The {@code --dtype} value that picks by the device's native bf16 support. */
    public static final String AUTO = "auto";

    /** The help of every {@code --dtype} flag: the values, and what {@code auto} picks ({@link #choose}). */
    public static final String FLAG_HELP = "Weights and activations in bf16 or float32 (default auto: the dtype a "
            + "classifier bundle was trained with where one is applied; otherwise bf16 where the CPU has avx512_bf16 "
            + "or amx_bf16 or the GPU has CUDA compute capability >= 8.0, else f32).";

    private static volatile boolean announced;

    private final String id;

    ComputeDtype(String id) {
        this.id = id;
    }

    /** The spelling used in flags and provenance: {@code f32} or {@code bf16}. */
    public String id() {
        return id;
    }

    /** {@code f32} or {@code bf16} (any case); IllegalArgumentException otherwise. */
    public static ComputeDtype parse(String value) {
        for (ComputeDtype d : values()) {
            if (d.id.equalsIgnoreCase(value)) {
                return d;
            }
        }
        throw new IllegalArgumentException("--dtype must be auto, bf16 or f32, not '" + value + "'");
    }

    /** {@code requested} in lower case when it is auto, bf16 or f32 (any case); IllegalArgumentException otherwise. */
    public static String requireValid(String requested) {
        String lower = requested.toLowerCase(Locale.ROOT);
        if (!lower.equals(AUTO)) {
            parse(lower);
        }
        return lower;
    }

    /**
     * The dtype {@code requested} names on {@code device} ({@code auto}: bf16 where the device multiplies bf16
     * natively, see {@link #autoChoice}), said on stderr only by {@link Choice#announce}: a caller that can still fail
     * (a model load refusing its weights) announces once it succeeded, so a refusal stays the one line on stderr.
     */
    public static Choice choose(String requested, Device device) {
        if (!AUTO.equalsIgnoreCase(requested)) {
            return new Choice(parse(requested), null);
        }
        return autoChoice(device);
    }

    /** The dtype {@link #choose} picked and, where {@code auto} picked it, why ({@code null} for a named one). */
    public record Choice(ComputeDtype dtype, String why) {
        /** Says on stderr, once per process, what {@code auto} picked; nothing for a dtype named outright. */
        public void announce() {
            if (why != null && !announced) {
                announced = true;
                System.err.println("dtype: " + dtype.id + " (--dtype auto: " + why + ")");
            }
        }
    }

    /**
     * What {@code auto} picks on {@code device}, and why: bf16 where it multiplies bf16 natively (the CPU flags
     * {@code avx512_bf16} / {@code amx_bf16} in /proc/cpuinfo, or a GPU of CUDA compute capability 8.0 or above).
     */
    private static Choice autoChoice(Device device) {
        if (device.isGpu()) {
            String capability = CudaUtils.getComputeCapability(device.getDeviceId());
            boolean tensorCores = capabilityMajor(capability) >= 8;
            return new Choice(tensorCores ? BF16 : F32, (tensorCores ? "" : "no ")
                    + "bf16 tensor cores: CUDA compute capability " + capability);
        }
        List<String> flags = bf16CpuFlags();
        return flags.isEmpty() ? new Choice(F32, "no avx512_bf16 or amx_bf16 CPU flag")
                : new Choice(BF16, "the CPU has " + String.join(", ", flags));
    }

    /** The major version of a compute capability as DJL spells it ({@code 80}, {@code 90}, {@code 100}, or {@code 8.6}). */
    static int capabilityMajor(String capability) {
        try {
            int dot = capability.indexOf('.');
            return dot >= 0 ? Integer.parseInt(capability.substring(0, dot)) : Integer.parseInt(capability) / 10;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The bf16 matrix flags ({@code avx512_bf16}, {@code amx_bf16}) the CPU reports; empty where unknown. */
    public static List<String> bf16CpuFlags() {
        List<String> found = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            String flags = lines.filter(l -> l.startsWith("flags")).findFirst().orElse("").toLowerCase(Locale.ROOT);
            for (String flag : List.of("avx512_bf16", "amx_bf16")) {
                if ((" " + flags + " ").contains(" " + flag + " ")) {
                    found.add(flag);
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux): the flags are unknown, so auto stays with f32.
        }
        return found;
    }

    /** {@code x} in this dtype: itself in f32 (and when it already is bf16), a new narrowed array otherwise. */
    public NDArray narrow(NDArray x) {
        if (this == F32) {
            return x;
        }
        return Bf16Kernels.get().narrow(x);
    }

    /**
     * {@code x} as float32 (itself when it already is); a float64 {@code x} stays itself, so a model whose weights a
     * test made float64 computes its norms and softmaxes in float64 too.
     */
    public static NDArray widen(NDArray x) {
        return x.getDataType() == DataType.FLOAT64 ? x : x.toType(DataType.FLOAT32, false);
    }

    /** Bytes per element of the weights and activations held in this dtype. */
    public int bytes() {
        return this == F32 ? 4 : 2;
    }
}
