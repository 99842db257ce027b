package org.toxiscope.features.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.toxiscope.features.io.Bf16Kernels;
import org.toxiscope.features.io.FiniteCheck;
import org.toxiscope.features.io.MalformedFileException;
import org.toxiscope.features.io.SafetensorsFile;
import org.toxiscope.features.io.TensorSource;
import org.toxiscope.features.io.TorchCheckpoint;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Linear;

/**
 * A residual-stream SAE on DJL arrays: {@code encode} gives the sparse code of {@code pre = x @ W_enc.T + b_enc}
 * under the spec's activation; the decoder ({@code x_hat = z @ W_dec.T + b_dec}) is read from disk only when first
 * needed. All arrays live in a sub-manager of the one given to {@link #load}, closed by {@link #close}.
 *
 * <p>Codes are float32 values of float32 pre-activations whatever the model's dtype. A top-k SAE loaded for a bf16
 * model ({@link #load(SaeSpec, int, ComputeDtype, NDManager)}) finds them in two steps: a bf16 matmul over every
 * feature picks each token's k + {@link #MARGIN} highest bf16 pre-activations, then those candidates alone are
 * re-scored exactly in float32 (their W_enc rows gathered, one dot product each) and the top k of the exact values
 * kept. Chosen by measurement ({@code SaeBf16EncodeTest}, 512 bf16 inputs, 256 x 4096, k 32): a plain bf16 encode
 * (input, W_enc, b_enc and pre-activations in bf16) keeps the float32 top-k set on 335 rows, the two-step encode
 * on all 512, with values within 1.3e-6; on the fixtures' bf16 residuals its mean Jaccard against the float32
 * golden (0.974 / 0.966 / 0.959, qwen3-tiny / qwen3moe-tiny / qwen3_5-tiny) is the float32 encode's. It takes
 * about 60% of the float32 encode's time (512 tokens, 1024 x 16384, k 50: 77 to 82 ms against 124 to 153 ms in the
 * same process on two threads); the price is a bf16 copy of W_enc beside the float32 one (1.5x the float32 encoder's
 * bytes). Threshold activations (ReLU, JumpReLU), whose count of active features has no bound to pick candidates
 * by, encode in float32.
 */
public final class TopKSae implements AutoCloseable {

    /**
     * Extra candidates per token in the two-step encode, for the features a bf16 pre-activation ranks below their
     * float32 rank (bf16 keeps 8 significant bits, so near-ties at the k-th value reorder). Measured on random
     * encoders of 256x4096 to 2048x32768, k 32 to 100, 1,024 bf16 inputs each: a margin of 8 held every row's float32
     * top k in all but one row of 4,096 (k 100); 16 held all.
     */
    private static final int MARGIN = 16;
    /** Bytes of gathered encoder rows per block of the float32 re-score on CPU: about a core's L2 cache. */
    private static final long RESCORE_BLOCK_BYTES_CPU = 256L << 10;
    /** The same on a GPU, where each block costs kernel launches and caches matter less. */
    private static final long RESCORE_BLOCK_BYTES_GPU = 64L << 20;

    private final SaeSpec spec;
    private final NDManager manager;
    private final int dModel;
    private final int dSae;
    /** [d_sae, d_model] contiguous: row f is W_enc[f, :], gathered per candidate by the two-step encode. */
    private final NDArray encoderRows;
    private final NDArray encoderBias;
    /** Whether codes are found in two steps (a bf16 candidate pass, then the float32 re-score). */
    private final boolean twoStep;
    /**
     * {@code x @ W_enc.T + b_enc} over every feature: in float32 on a transposed view of {@link #encoderRows}, or for
     * the two-step encode's candidate pass on a bf16 copy packed like the model's projections, the bias added in the
     * float32 accumulator (512 x 1024 x 16384, two threads: 21.1-21.4 ms against 24.7-25.2 ms by matmul, and no
     * separate 16 MiB bias pass).
     */
    private final Linear encoder;
    private final NDArray threshold;
    private final NDArray inputBias;
    /** [d_sae, d_model], row f = decoder direction of feature f; null until first needed. */
    private NDArray decoderRows;
    private NDArray decoderBias;

    private TopKSae(SaeSpec spec, NDManager manager, NDArray encoderRows, NDArray encoderBias, NDArray threshold,
            NDArray inputBias, ComputeDtype dtype) {
        this.spec = spec;
        this.manager = manager;
        this.encoderRows = encoderRows;
        this.encoderBias = encoderBias;
        this.threshold = threshold;
        this.inputBias = inputBias;
        this.dSae = Math.toIntExact(encoderRows.getShape().get(0));
        this.dModel = Math.toIntExact(encoderRows.getShape().get(1));
        this.twoStep = twoStep(spec, dtype);
        this.encoder = twoStep ? Linear.read(manager, dtype, scope -> {
            NDArray rows = dtype.narrow(encoderRows);
            rows.attach(scope);
            return Linear.of(rows, dtype.narrow(encoderBias), manager, dtype);
        }) : Linear.of(encoderRows, encoderBias, manager, ComputeDtype.F32);
    }

    /** Loads the encoder side of {@code spec} (and {@code b_dec} where it is subtracted from the input). */
    public static TopKSae load(SaeSpec spec, NDManager parent) throws IOException {
        return load(spec, 0, ComputeDtype.F32, parent);
    }

    /**
     * As {@link #load(SaeSpec, NDManager)} for a model whose residual has {@code modelHidden} values (0: any) and
     * is computed in {@code dtype} (bf16: the two-step encode for top-k SAEs): every shape is checked (against each
     * other and the model) before anything is read, and the weights checked finite.
     */
    public static TopKSae load(SaeSpec spec, int modelHidden, ComputeDtype dtype, NDManager parent)
            throws IOException {
        NDManager manager = parent.newSubManager();
        try (TensorSource src = open(spec)) {
            boolean qwen = spec.format() == SaeFormat.QWEN_SCOPE_PT;
            long[] widths = checkShapes(src, spec, modelHidden);
            long dSae = widths[0];
            long dModel = widths[1];
            FiniteCheck finite = new FiniteCheck();
            NDArray wEnc = loadFinite(src, manager, "W_enc", finite);
            // SAELens stores W_enc as [d_model, d_sae]: one row-major copy, so each feature's row is contiguous
            NDArray rows = qwen ? wEnc : wEnc.transpose().flatten().reshape(dSae, dModel);
            if (rows != wEnc) {
                wEnc.close();
            }
            NDArray bEnc = loadFinite(src, manager, "b_enc", finite);
            NDArray threshold = spec.activation() == SaeActivation.JUMPRELU
                    ? loadFinite(src, manager, "threshold", finite) : null;
            NDArray inputBias = spec.subtractDecoderBias() ? loadFinite(src, manager, "b_dec", finite) : null;
            finite.require(spec.weights().toString());
            return new TopKSae(spec, manager, rows, bEnc, threshold, inputBias, dtype);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A top-k SAE of random weights (normal, encoder std {@code 1/sqrt(dModel)}, decoder rows of unit norm, zero
     * biases) for benchmarks of a release's shape without its file, encoding as {@link #load} does for {@code dtype};
     * its spec names no file, so nothing is read.
     */
    public static TopKSae random(int dModel, int dSae, int k, int layer, ComputeDtype dtype, NDManager parent) {
        SaeSpec spec = new SaeSpec("random-" + dSae, SaeFormat.QWEN_SCOPE_PT, java.nio.file.Path.of("random"), layer,
                k, SaeActivation.TOPK, false, "random");
        NDManager manager = parent.newSubManager();
        NDArray encoderRows = manager.randomNormal(0f, (float) (1 / Math.sqrt(dModel)), new Shape(dSae, dModel),
                DataType.FLOAT32);
        NDArray rows = manager.randomNormal(0f, 1f, new Shape(dSae, dModel), DataType.FLOAT32);
        rows.divi(rows.norm(new int[] {1}, true));
        TopKSae sae = new TopKSae(spec, manager, encoderRows, manager.zeros(new Shape(dSae)), null, null, dtype);
        sae.decoderRows = rows;
        sae.decoderBias = manager.zeros(new Shape(dModel));
        return sae;
    }

    /**
     * Refuses {@code spec}'s file before any weight is read: opens only its header (for a {@code .pt}, its pickle
     * through the safe unpickler) and checks every shape against each other and {@code modelHidden} (0: any), so a
     * session finds a bad SAE before it spends the model's load.
     */
    public static void check(SaeSpec spec, int modelHidden) throws IOException {
        try (TensorSource src = open(spec)) {
            checkShapes(src, spec, modelHidden);
        }
    }

    /** {@code {d_sae, d_model}} of {@code src}, once every tensor the spec needs is present with its shape. */
    private static long[] checkShapes(TensorSource src, SaeSpec spec, int modelHidden) throws IOException {
        boolean qwen = spec.format() == SaeFormat.QWEN_SCOPE_PT;
        long[] encShape = present(src, spec, "W_enc");
        if (encShape.length != 2 || encShape[0] == 0 || encShape[1] == 0) {
            throw new MalformedFileException(spec.weights() + ": tensor 'W_enc' has shape "
                    + Arrays.toString(encShape) + ", expected " + (qwen ? "[d_sae, d_model]" : "[d_model, d_sae]"));
        }
        long dSae = qwen ? encShape[0] : encShape[1];
        long dModel = qwen ? encShape[1] : encShape[0];
        if (modelHidden > 0 && dModel != modelHidden) {
            throw new MalformedFileException(spec.weights() + ": tensor 'W_enc' has shape "
                    + Arrays.toString(encShape) + ": the SAE reads vectors of " + dModel
                    + " values but the model's hidden_size is " + modelHidden);
        }
        if (dSae > Integer.MAX_VALUE || dModel > Integer.MAX_VALUE) {
            throw new MalformedFileException(spec.weights() + ": tensor 'W_enc' has shape "
                    + Arrays.toString(encShape) + ", wider than this reader supports");
        }
        if (spec.activation().isTopK() && spec.k() > dSae) {
            throw new IllegalArgumentException(spec.weights() + ": k " + spec.k() + " exceeds the SAE width "
                    + dSae);
        }
        requireShape(src, spec, "b_enc", dSae);
        if (spec.activation() == SaeActivation.JUMPRELU) {
            requireShape(src, spec, "threshold", dSae);
        }
        if (spec.subtractDecoderBias()) {
            requireShape(src, spec, "b_dec", dModel);
        }
        return new long[] {dSae, dModel};
    }

    /**
     * About the bytes {@link #load} holds for {@code spec}'s encoder on a {@code dtype} model: half the file (the
     * float32 encoder beside the decoder), half as much again for the two-step encode's bf16 copy.
     */
    public static long encoderBytes(SaeSpec spec, ComputeDtype dtype) throws IOException {
        long f32 = Files.size(spec.weights()) / 2;
        return twoStep(spec, dtype) ? f32 + f32 / 2 : f32;
    }

    private static boolean twoStep(SaeSpec spec, ComputeDtype dtype) {
        return dtype == ComputeDtype.BF16 && spec.activation().isTopK();
    }

    private static TensorSource open(SaeSpec spec) throws IOException {
        return spec.format() == SaeFormat.QWEN_SCOPE_PT ? TorchCheckpoint.open(spec.weights())
                : SafetensorsFile.open(spec.weights());
    }

    private static long[] present(TensorSource src, SaeSpec spec, String name) throws IOException {
        if (!src.has(name)) {
            throw new MalformedFileException(spec.weights() + ": no tensor '" + name + "' (has " + src.names() + ")");
        }
        return src.shape(name);
    }

    private static void requireShape(TensorSource src, SaeSpec spec, String name, long... shape) throws IOException {
        long[] actual = present(src, spec, name);
        if (!Arrays.equals(actual, shape)) {
            throw new MalformedFileException(spec.weights() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(actual) + ", expected " + Arrays.toString(shape) + " (from W_enc)");
        }
    }

    private static NDArray loadFinite(TensorSource src, NDManager manager, String name, FiniteCheck finite)
            throws IOException {
        NDArray a = src.loadF32(manager, name);
        finite.add(name, a);
        return a;
    }

    public SaeSpec spec() {
        return spec;
    }

    public int dModel() {
        return dModel;
    }

    public int dSae() {
        return dSae;
    }

    /** Entries kept per vector for top-k activations, 0 for threshold ones. */
    public int k() {
        return spec.k();
    }

    /** Whether the decoder has been read. */
    public synchronized boolean decoderLoaded() {
        return decoderRows != null;
    }

    /**
     * The sparse code of {@code x} [N, d_model] FLOAT32: indices and values [N, m], by value descending. Results
     * belong to {@code x}'s manager; temporaries are freed before returning.
     */
    public SaeCodes encode(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 2 || s.get(1) != dModel || x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(spec.weights() + ": encode needs FLOAT32 [N, " + dModel + "], got "
                    + x.getDataType() + " " + s);
        }
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray in = inputBias == null ? x : x.sub(inputBias);
            NDArray values;
            NDArray indices;
            if (twoStep) {
                NDArray candidates = encoder.apply(ComputeDtype.BF16.narrow(in))
                        .topK(candidates(), -1, true, true).get(1);
                NDArray exact = activate(rescore(scope, in, candidates));
                NDList top = exact.topK(spec.k(), -1, true, true);
                values = top.get(0);
                indices = candidates.gather(top.get(1), 1);
            } else {
                NDArray ranked = activate(encoder.apply(in));
                int m = spec.activation().isTopK() ? spec.k() : maxActive(ranked);
                NDList top = ranked.topK(m, -1, true, true);
                values = top.get(0);
                indices = top.get(1);
            }
            values.attach(owner);
            indices.attach(owner);
            return new SaeCodes(indices, values);
        }
    }

    /** The spec's activation applied to pre-activations (top-k selection follows). */
    private NDArray activate(NDArray pre) {
        return switch (spec.activation()) {
            case TOPK -> pre;
            case TOPK_RELU, RELU -> pre.maximum(0f);
            case JUMPRELU -> pre.mul(pre.gt(threshold)).maximum(0f);
        };
    }

    /** Candidates per token in the two-step encode: k plus {@link #MARGIN}, at most every feature. */
    private int candidates() {
        return Math.min(dSae, spec.k() + MARGIN);
    }

    /**
     * The exact float32 pre-activations {@code in . W_enc[c] + b_enc[c]} of each row's candidates {@code c} [N, C],
     * in {@code scope}: one dot product per candidate, {@link Bf16Kernels#candidateDots} gathering the encoder rows
     * of a block of tokens at a time. On CPU a block is one token, whose gathered rows (270 KB at 1024 x 66) are
     * still in cache for their product: the encode of 8 batches of 512 tokens (1024 x 16384, k 50, two threads) took
     * 0.48 to 0.51 s so, against 0.68 to 0.82 s with 1 MiB blocks, 0.60 to 0.65 s with torch's sampled_addmm (no
     * gather, but every row read from memory) and 0.33 s with no re-score at all.
     */
    private NDArray rescore(NDManager scope, NDArray in, NDArray candidates) {
        long n = candidates.getShape().get(0);
        long c = candidates.getShape().get(1);
        NDArray bias = encoderBias.get(scope, new NDIndex("{}", candidates.flatten())).reshape(n, c);
        if (n == 0) {
            return bias;
        }
        long blockBytes = in.getDevice().isGpu() ? RESCORE_BLOCK_BYTES_GPU : RESCORE_BLOCK_BYTES_CPU;
        long block = Math.max(1, blockBytes / (c * dModel * Float.BYTES));
        NDArray dots = Bf16Kernels.get().candidateDots(in, encoderRows, candidates, block);
        dots.attach(scope);
        // The module's result is an inference tensor, which libtorch refuses to update in place.
        return bias.addi(dots);
    }

    private static int maxActive(NDArray acts) {
        if (acts.getShape().get(0) == 0) {
            return 0;
        }
        return Math.toIntExact(acts.gt(0f).sum(new int[] {1}).max().toType(DataType.INT64, false).getLong());
    }

    /** {@code z @ W_dec.T + b_dec} for the code {@code codes} ([N, d_model], owned by the codes' manager). */
    public NDArray decode(SaeCodes codes) throws IOException {
        loadDecoder();
        NDManager owner = codes.values().getManager();
        try (NDManager scope = owner.newSubManager()) {
            codes.values().tempAttach(scope);
            codes.indices().tempAttach(scope);
            NDArray rows = decoderRows.get(codes.indices());
            rows.attach(scope);
            NDArray out = rows.mul(codes.values().expandDims(-1)).sum(new int[] {1}).add(decoderBias);
            out.attach(owner);
            return out;
        }
    }

    /** The raw decoder direction {@code W_dec[:, feature]} (the steering vector before scaling). */
    public float[] decoderColumn(int feature) throws IOException {
        if (feature < 0 || feature >= dSae) {
            throw new IllegalArgumentException(spec.weights() + ": feature " + feature + " is outside 0.." + (dSae - 1));
        }
        loadDecoder();
        try (NDArray row = decoderRows.get(feature)) {
            return row.toFloatArray();
        }
    }

    /**
     * The encoder row {@code W_enc[feature, :]}: the input direction whose dot product gives the feature's
     * pre-activation (the key the Query Lens reads).
     */
    public float[] encoderRow(int feature) {
        if (feature < 0 || feature >= dSae) {
            throw new IllegalArgumentException(spec.weights() + ": feature " + feature + " is outside 0.." + (dSae - 1));
        }
        try (NDArray row = encoderRows.get(feature)) {
            return row.toFloatArray();
        }
    }

    /** Reads W_dec and b_dec now (decode and decoderColumn do it on first use). */
    public synchronized void loadDecoder() throws IOException {
        if (decoderRows != null) {
            return;
        }
        try (TensorSource src = open(spec); NDManager scope = manager.newSubManager()) {
            boolean qwen = spec.format() == SaeFormat.QWEN_SCOPE_PT;
            requireShape(src, spec, "W_dec", qwen ? new long[] {dModel, dSae} : new long[] {dSae, dModel});
            requireShape(src, spec, "b_dec", dModel);
            FiniteCheck finite = new FiniteCheck();
            NDArray wDec = loadFinite(src, scope, "W_dec", finite);
            // flatten() of the transposed view copies it row-major, so each feature's direction is one contiguous row
            NDArray rows = qwen ? wDec.transpose().flatten().reshape(dSae, dModel) : wDec;
            NDArray bias = loadFinite(src, scope, "b_dec", finite);
            finite.require(spec.weights().toString());
            rows.attach(manager);
            bias.attach(manager);
            decoderRows = rows;
            decoderBias = bias;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
