package org.toxiscope.features.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Arrays;
import org.toxiscope.features.io.FiniteCheck;
import org.toxiscope.features.io.MalformedFileException;
import org.toxiscope.features.io.SafetensorsFile;
import org.toxiscope.features.io.TensorSource;
import org.toxiscope.features.io.TorchCheckpoint;

/**
 * A residual-stream SAE on DJL arrays: {@code encode} gives the sparse code of {@code pre = x @ W_enc.T + b_enc}
 * under the spec's activation; the decoder ({@code x_hat = z @ W_dec.T + b_dec}) is read from disk only when first
 * needed. All arrays live in a sub-manager of the one given to {@link #load}, closed by {@link #close}.
 *
 * <p>Encoding is float32 whatever the model's dtype (a bf16 model's residual arrives widened), chosen by measurement
 * on the three shared fixtures (per-token top-8 sets against the float32 golden, mean Jaccard, qwen3-tiny /
 * qwen3moe-tiny / qwen3_5-tiny): the bf16 model's residual encoded in float32 gives 0.974 / 0.966 / 0.959, encoded in
 * bf16 (input, W_enc and b_enc narrowed, pre-activations bf16, widened for the top-k) 0.964 / 0.975 / 0.958, worse
 * on two of three; bf16 encoding of the exact float32 residual alone already loses 0.021 / 0.017 / 0.014. The price
 * is twice the bf16 memory for the encoder (d_sae x d_model x 4 bytes per layer: 268 MB, not 134 MB, for
 * Qwen3-1.7B W32K) and for the pre-activations of a batch (batch tokens x d_sae x 4 bytes), and the float32 matmul
 * rate for the encode.
 */
public final class TopKSae implements AutoCloseable {

    private final SaeSpec spec;
    private final NDManager manager;
    private final int dModel;
    private final int dSae;
    /** [d_model, d_sae]; for Qwen-Scope a transposed view of W_enc, which matmul consumes without a copy. */
    private final NDArray encoder;
    private final NDArray encoderBias;
    private final NDArray threshold;
    private final NDArray inputBias;
    /** [d_sae, d_model], row f = decoder direction of feature f; null until first needed. */
    private NDArray decoderRows;
    private NDArray decoderBias;

    private TopKSae(SaeSpec spec, NDManager manager, NDArray encoder, NDArray encoderBias, NDArray threshold,
            NDArray inputBias) {
        this.spec = spec;
        this.manager = manager;
        this.encoder = encoder;
        this.encoderBias = encoderBias;
        this.threshold = threshold;
        this.inputBias = inputBias;
        this.dModel = Math.toIntExact(encoder.getShape().get(0));
        this.dSae = Math.toIntExact(encoder.getShape().get(1));
    }

    /** Loads the encoder side of {@code spec} (and {@code b_dec} where it is subtracted from the input). */
    public static TopKSae load(SaeSpec spec, NDManager parent) throws IOException {
        return load(spec, 0, parent);
    }

    /**
     * As {@link #load(SaeSpec, NDManager)} for a model whose residual has {@code modelHidden} values (0: any): every
     * shape is checked (against each other and the model) before anything is read, and the weights checked finite.
     */
    public static TopKSae load(SaeSpec spec, int modelHidden, NDManager parent) throws IOException {
        NDManager manager = parent.newSubManager();
        try (TensorSource src = open(spec)) {
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
            FiniteCheck finite = new FiniteCheck();
            NDArray wEnc = loadFinite(src, manager, "W_enc", finite);
            NDArray encoder = qwen ? wEnc.transpose() : wEnc;
            NDArray bEnc = loadFinite(src, manager, "b_enc", finite);
            NDArray threshold = spec.activation() == SaeActivation.JUMPRELU
                    ? loadFinite(src, manager, "threshold", finite) : null;
            NDArray inputBias = spec.subtractDecoderBias() ? loadFinite(src, manager, "b_dec", finite) : null;
            finite.require(spec.weights().toString());
            return new TopKSae(spec, manager, encoder, bEnc, threshold, inputBias);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A top-k SAE of random weights (normal, encoder std {@code 1/sqrt(dModel)}, decoder rows of unit norm, zero
     * biases) for benchmarks of a release's shape without its file; its spec names no file, so nothing is read.
     */
    public static TopKSae random(int dModel, int dSae, int k, int layer, NDManager parent) {
        SaeSpec spec = new SaeSpec("random-" + dSae, SaeFormat.QWEN_SCOPE_PT, java.nio.file.Path.of("random"), layer,
                k, SaeActivation.TOPK, false, "random");
        NDManager manager = parent.newSubManager();
        NDArray encoder = manager.randomNormal(0f, (float) (1 / Math.sqrt(dModel)), new Shape(dModel, dSae),
                DataType.FLOAT32);
        NDArray rows = manager.randomNormal(0f, 1f, new Shape(dSae, dModel), DataType.FLOAT32);
        rows.divi(rows.norm(new int[] {1}, true));
        TopKSae sae = new TopKSae(spec, manager, encoder, manager.zeros(new Shape(dSae)), null, null);
        sae.decoderRows = rows;
        sae.decoderBias = manager.zeros(new Shape(dModel));
        return sae;
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
            NDArray pre = in.matMul(encoder).addi(encoderBias);
            NDArray ranked = switch (spec.activation()) {
                case TOPK -> pre;
                case TOPK_RELU, RELU -> pre.maximum(0f);
                case JUMPRELU -> pre.mul(pre.gt(threshold)).maximum(0f);
            };
            int m = spec.activation().isTopK() ? spec.k() : maxActive(ranked);
            NDList top = ranked.topK(m, -1, true, true);
            NDArray values = top.get(0);
            NDArray indices = top.get(1);
            values.attach(owner);
            indices.attach(owner);
            return new SaeCodes(indices, values);
        }
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
        try (NDArray column = encoder.get(new NDIndex(":, {}", feature))) {
            return column.toFloatArray();
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
