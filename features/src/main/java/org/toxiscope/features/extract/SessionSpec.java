package org.toxiscope.features.extract;

import java.io.Serializable;
import java.util.List;
import java.util.TreeSet;
import org.toxiscope.features.model.ComputeDtype;

/**
 * Everything that decides how texts become features and where that runs: the model, the SAE release and its layers,
 * k and ReLU ({@code null}: the SAE format's own convention), pooling, the token limit per text (0 = the model's
 * {@code max_position_embeddings}, none where its config gives none), the batch budget, the device, the compute
 * dtype ({@code auto}, {@code bf16} or {@code f32}), the SAE memory budget and whether the whole model (head included,
 * for generation) is loaded. It is the one place command-line flags become session settings;
 * {@link FeatureSession#spec()} gives it back with k, ReLU, the token limit and the dtype resolved, and classifier
 * bundles record that resolved form.
 */
public record SessionSpec(String model, String sae, List<Integer> layers, Integer k, Boolean relu, Pooling pooling,
                          int maxTokens, int batchTokens, int maxBatch, String device, String dtype, long maxSaeBytes,
                          boolean wholeModel) implements Serializable {

    public static final int DEFAULT_BATCH_TOKENS = 4096;
    public static final int DEFAULT_MAX_BATCH = 32;
    /** Float32 compute: what bundles that predate recording the dtype were made with. */
    public static final String F32 = "f32";

    public SessionSpec {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is required");
        }
        if (sae == null || sae.isBlank()) {
            throw new IllegalArgumentException("--sae is required");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("no SAE layer to load");
        }
        layers = List.copyOf(new TreeSet<>(layers));
        if (layers.get(0) < 0) {
            throw new IllegalArgumentException("--layer must be >= 0, not " + layers.get(0));
        }
        if (k != null && k <= 0) {
            throw new IllegalArgumentException("--k must be > 0, not " + k);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0 (0: the model's max_position_embeddings), not " + maxTokens);
        }
        if (batchTokens <= 0) {
            throw new IllegalArgumentException("--batch-tokens must be > 0, not " + batchTokens);
        }
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("--max-batch must be > 0, not " + maxBatch);
        }
        if (maxSaeBytes <= 0) {
            throw new IllegalArgumentException("--max-memory must be > 0");
        }
        pooling = pooling == null ? Pooling.MAX : pooling;
        device = device == null ? "cpu" : device;
        dtype = dtype == null ? F32 : ComputeDtype.requireValid(dtype);
    }

    /**
     * A spec with max pooling, the model's token limit, cpu, f32 and no SAE memory bound: the commands' defaults but
     * for the dtype, whose {@code auto} default the command line sets ({@link #withDtype}).
     */
    public static SessionSpec of(String model, String sae, List<Integer> layers) {
        return new SessionSpec(model, sae, layers, null, null, Pooling.MAX, 0, DEFAULT_BATCH_TOKENS,
                DEFAULT_MAX_BATCH, "cpu", F32, Long.MAX_VALUE, false);
    }

    public SessionSpec withLayers(List<Integer> other) {
        return new SessionSpec(model, sae, other, k, relu, pooling, maxTokens, batchTokens, maxBatch, device, dtype,
                maxSaeBytes, wholeModel);
    }

    public SessionSpec withSae(Integer otherK, Boolean otherRelu) {
        return new SessionSpec(model, sae, layers, otherK, otherRelu, pooling, maxTokens, batchTokens, maxBatch,
                device, dtype, maxSaeBytes, wholeModel);
    }

    public SessionSpec withExtraction(Pooling otherPooling, int otherMaxTokens, int otherBatchTokens,
                                      int otherMaxBatch) {
        return new SessionSpec(model, sae, layers, k, relu, otherPooling, otherMaxTokens, otherBatchTokens,
                otherMaxBatch, device, dtype, maxSaeBytes, wholeModel);
    }

    public SessionSpec withDevice(String otherDevice) {
        return new SessionSpec(model, sae, layers, k, relu, pooling, maxTokens, batchTokens, maxBatch, otherDevice,
                dtype, maxSaeBytes, wholeModel);
    }

    /** The same settings in {@code otherDtype}: {@code auto}, {@code bf16} or {@code f32}. */
    public SessionSpec withDtype(String otherDtype) {
        return new SessionSpec(model, sae, layers, k, relu, pooling, maxTokens, batchTokens, maxBatch, device,
                otherDtype, maxSaeBytes, wholeModel);
    }

    public SessionSpec withMaxSaeBytes(long bytes) {
        return new SessionSpec(model, sae, layers, k, relu, pooling, maxTokens, batchTokens, maxBatch, device, dtype,
                bytes, wholeModel);
    }

    /** The same settings with the whole model loaded (generation, logit lens) instead of blocks 0..deepest. */
    public SessionSpec withWholeModel() {
        return new SessionSpec(model, sae, layers, k, relu, pooling, maxTokens, batchTokens, maxBatch, device, dtype,
                maxSaeBytes, true);
    }

    public int deepestLayer() {
        return layers.get(layers.size() - 1);
    }
}
