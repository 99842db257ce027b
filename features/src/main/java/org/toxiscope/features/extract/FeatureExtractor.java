package org.toxiscope.features.extract;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.ForwardResult;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.sae.SaeCodes;
import org.toxiscope.features.sae.TopKSae;

/**
 * Text to SAE features: tokenises, groups texts of similar length into batches (little padding), runs the model only
 * up to the deepest SAE layer, hooks every SAE layer in the same pass, encodes the real tokens' residuals and pools
 * them per text. Results come back in input order.
 */
public final class FeatureExtractor {

    private final LanguageModel model;
    private final QwenTokenizer tokenizer;
    private final Map<Integer, TopKSae> saes;
    private final SessionSpec spec;
    private final boolean perToken;
    private long truncated;

    /** Encodes at every layer of {@code saes} with {@code spec}'s pooling, token limit and batching. */
    public FeatureExtractor(LanguageModel model, QwenTokenizer tokenizer, Map<Integer, TopKSae> saes,
                            SessionSpec spec, boolean perToken) {
        int deepest = saes.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow(
                () -> new IllegalArgumentException("no SAE layer given"));
        if (deepest >= model.loadedBlocks()) {
            throw new IllegalArgumentException("layer " + deepest + " is past the loaded blocks 0.."
                    + (model.loadedBlocks() - 1));
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.saes = new TreeMap<>(saes);
        this.spec = spec;
        this.perToken = perToken;
    }

    /** Texts cut to the token limit so far. */
    public long truncatedCount() {
        return truncated;
    }

    /** Features of each text, in input order; texts over the spec's token limit are cut there and flagged. */
    public TextFeatures[] extract(NDManager manager, List<String> texts) {
        int[][] ids = tokenizer.encodeAll(texts);
        boolean[] cut = truncate(ids, spec.maxTokens());
        for (boolean c : cut) {
            truncated += c ? 1 : 0;
        }
        return extractTokens(manager, ids, cut);
    }

    /** Cuts every sequence longer than {@code maxTokens} (0 = no limit) in place; true where one was cut. */
    public static boolean[] truncate(int[][] ids, int maxTokens) {
        boolean[] cut = new boolean[ids.length];
        for (int i = 0; maxTokens > 0 && i < ids.length; i++) {
            if (ids[i].length > maxTokens) {
                ids[i] = Arrays.copyOf(ids[i], maxTokens);
                cut[i] = true;
            }
        }
        return cut;
    }

    /** Features of already tokenised texts, in input order; {@code truncated[i]} is reported back as is. */
    public TextFeatures[] extractTokens(NDManager manager, int[][] ids, boolean[] truncated) {
        TextFeatures[] out = new TextFeatures[ids.length];
        Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
        int start = 0;
        while (start < order.length) {
            int end = start;
            int width = 0;
            while (end < order.length) {
                int w = Math.max(width, Math.max(1, ids[order[end]].length));
                if (end > start && ((long) w * (end - start + 1) > spec.batchTokens()
                        || end - start >= spec.maxBatch())) {
                    break;
                }
                width = w;
                end++;
            }
            int[] rows = new int[end - start];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = order[start + i];
            }
            runBatch(manager, ids, truncated, rows, out);
            start = end;
        }
        return out;
    }

    /**
     * Runs one batch; an allocation failure of the engine or the JVM becomes a {@link BatchMemoryException} naming
     * the batch's texts and the flags that bound it (the batch's arrays are freed by then, so the session lives on).
     */
    private void runBatch(NDManager parent, int[][] ids, boolean[] truncated, int[] rows, TextFeatures[] out) {
        int[][] batch = new int[rows.length][];
        int longest = 0;
        for (int i = 0; i < rows.length; i++) {
            // An empty text still gets one position so the batch has a shape; it yields no features.
            batch[i] = ids[rows[i]].length == 0 ? new int[] {0} : ids[rows[i]];
            longest = Math.max(longest, batch[i].length);
        }
        try {
            encodeBatch(parent, ids, truncated, rows, batch, out);
        } catch (EngineException e) {
            if (!outOfMemory(e)) {
                throw e;
            }
            throw BatchMemoryException.of(rows, longest, spec, e);
        } catch (OutOfMemoryError e) {
            throw BatchMemoryException.of(rows, longest, spec, e);
        }
    }

    /** Whether an engine error is an allocation failure (libtorch's CPU or CUDA allocator). */
    static boolean outOfMemory(EngineException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("out of memory") || m.contains("bad_alloc") || (m.contains("alloc") && m.contains("memory"));
    }

    private void encodeBatch(NDManager parent, int[][] ids, boolean[] truncated, int[] rows, int[][] batch,
                             TextFeatures[] out) {
        try (NDManager step = parent.newSubManager(); DecodeState state = model.newState(step, batch.length)) {
            ForwardResult result = model.forward(step, batch, state, ForwardOptions.residuals(saes.keySet()));
            Map<Integer, long[]> codeIdx = new HashMap<>();
            Map<Integer, float[]> codeVal = new HashMap<>();
            Map<Integer, Integer> codeWidth = new HashMap<>();
            for (var e : saes.entrySet()) {
                NDArray flat = realTokens(result.residuals().get(e.getKey()), result.padding());
                try (SaeCodes codes = e.getValue().encode(flat)) {
                    codeIdx.put(e.getKey(), codes.indices().toType(DataType.INT64, false).toLongArray());
                    codeVal.put(e.getKey(), codes.values().toFloatArray());
                    codeWidth.put(e.getKey(), (int) codes.indices().getShape().get(1));
                }
            }
            int offset = 0;
            for (int i = 0; i < rows.length; i++) {
                int[] tokens = ids[rows[i]];
                int n = tokens.length;
                Map<Integer, SparseVector> pooled = new TreeMap<>();
                Map<Integer, TokenCodes> codes = perToken ? new TreeMap<>() : Map.of();
                for (int layer : saes.keySet()) {
                    int k = codeWidth.get(layer);
                    if (n == 0) {
                        pooled.put(layer, SparseVector.EMPTY);
                        if (perToken) {
                            codes.put(layer, new TokenCodes(new int[0][], new float[0][]));
                        }
                        continue;
                    }
                    pooled.put(layer, SparsePooler.pool(spec.pooling(), codeIdx.get(layer), codeVal.get(layer), k,
                            offset, offset + n));
                    if (perToken) {
                        codes.put(layer, tokenCodes(codeIdx.get(layer), codeVal.get(layer), k, offset, n,
                                saes.get(layer).spec().activation().isTopK()));
                    }
                }
                out[rows[i]] = new TextFeatures(tokens, truncated[rows[i]], pooled, codes);
                offset += Math.max(n, 1);
            }
        }
    }

    /**
     * The rows [N, H] of a left-padded residual batch [B, T, H] at its real positions (the last T - padding[b] of
     * each row b), sequence by sequence; owned by the residual's manager.
     */
    public static NDArray realTokens(NDArray residual, int[] padding) {
        long width = residual.getShape().get(1);
        long hidden = residual.getShape().get(2);
        int total = 0;
        for (int p : padding) {
            total += (int) width - p;
        }
        long[] rows = new long[total];
        int at = 0;
        for (int b = 0; b < padding.length; b++) {
            for (long t = padding[b]; t < width; t++) {
                rows[at++] = b * width + t;
            }
        }
        return residual.reshape(-1, hidden).get(new NDIndex("{}", residual.getManager().create(rows)));
    }

    /** Per-token codes; top-k SAEs keep all k (values may be negative), others drop their zero padding. */
    private static TokenCodes tokenCodes(long[] idx, float[] val, int k, int offset, int n, boolean topK) {
        int[][] indices = new int[n][];
        float[][] values = new float[n][];
        for (int t = 0; t < n; t++) {
            int base = (offset + t) * k;
            int kept = 0;
            while (kept < k && (topK || val[base + kept] != 0f)) {
                kept++;
            }
            indices[t] = new int[kept];
            values[t] = Arrays.copyOfRange(val, base, base + kept);
            for (int j = 0; j < kept; j++) {
                indices[t][j] = (int) idx[base + j];
            }
        }
        return new TokenCodes(indices, values);
    }
}
