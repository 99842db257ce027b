package org.toxiscope.features.extract;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.sae.SaeActivation;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.SaeSpec;
import org.toxiscope.features.sae.TopKSae;

/**
 * The one way texts become features: opens what a {@link SessionSpec} names (the model up to its deepest SAE layer,
 * or whole when the spec asks, its tokenizer, and the SAEs of the chosen layers), owns all of it, and closes it in
 * reverse order, also when opening fails half way. SAE encoders are held a group at a time within the spec's memory
 * budget (several passes when they do not all fit); pooled features go through a {@link FeatureCache} per layer once
 * {@link #useCache} is called.
 */
public final class FeatureSession implements AutoCloseable {

    private final SessionSpec spec;
    private final ModelCheckpoint checkpoint;
    private final LanguageModel model;
    private final QwenTokenizer tokenizer;
    private final NDManager manager;
    private final Map<Integer, SaeSpec> specs;
    private final List<List<Integer>> groups;
    private final Map<Integer, FeatureCache> caches = new TreeMap<>();
    /** The SAE group held now; with one group it stays loaded for the whole session. */
    private List<Integer> loadedGroup;
    private NDManager saeManager;
    private Map<Integer, TopKSae> loaded = Map.of();
    private final Map<Integer, Integer> widths = new TreeMap<>();
    private long truncated;
    /** Whether no token limit was asked for, so that the model's max_position_embeddings applies. */
    private final boolean limitFromModel;

    private FeatureSession(SessionSpec spec, boolean limitFromModel, ModelCheckpoint checkpoint, LanguageModel model,
                           QwenTokenizer tokenizer, NDManager manager, Map<Integer, SaeSpec> specs,
                           List<List<Integer>> groups) {
        this.spec = spec;
        this.limitFromModel = limitFromModel;
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.specs = specs;
        this.groups = groups;
    }

    /** Opens everything {@code spec} names, its layers chosen by the user's flags (see {@link #open(SessionSpec, String)}). */
    public static FeatureSession open(SessionSpec spec) throws IOException {
        return open(spec, SaeResolver.LAYER_FLAGS);
    }

    /**
     * Opens everything {@code spec} names; on any failure what was opened is closed again before the error leaves. An
     * error about a layer names {@code layerSource}, where the layers came from (the flags, a classifier bundle), so
     * it never blames a flag the user did not pass.
     */
    public static FeatureSession open(SessionSpec spec, String layerSource) throws IOException {
        Map<Integer, SaeSpec> specs =
                new SaeResolver(HfCache.fromEnvironment()).resolveLayers(spec.sae(), spec.layers(), spec.k(),
                        spec.relu(), layerSource);
        Device device = Devices.parse(spec.device());
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            ModelCheckpoint checkpoint = ModelCheckpoint.open(spec.model());
            opened.push(checkpoint);
            checkpoint.requireLayer(spec.deepestLayer());
            // The tokenizer before the weights: a tokenizer that does not fit the model is refused before the load.
            QwenTokenizer tokenizer = checkpoint.tokenizer();
            opened.push(tokenizer);
            // And every SAE's header: a bad or hostile SAE file is refused before the model's load, not minutes after.
            for (SaeSpec sae : specs.values()) {
                TopKSae.check(sae, checkpoint.config().hiddenSize());
            }
            ComputeDtype.Choice dtype = ComputeDtype.choose(spec.dtype(), device);
            List<List<Integer>> groups = group(specs, spec.maxSaeBytes(), dtype.dtype());
            LanguageModel model = checkpoint.load(device, dtype.dtype(), spec.wholeModel() ? -1 : spec.deepestLayer());
            opened.push(model);
            NDManager manager = NDManager.newBaseManager(device);
            opened.push(manager);
            FeatureSession session = new FeatureSession(resolved(spec.withDtype(dtype.dtype().id()), specs,
                    checkpoint.config()),
                    spec.maxTokens() == 0, checkpoint, model, tokenizer, manager,
                    specs, groups);
            opened.push(session::closeSaes);
            session.loadGroup(groups.get(0));
            dtype.announce();
            return session;
        } catch (IOException | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * {@code spec} with k and ReLU as the SAE files resolved them (ReLU null where the activation is not top-k), and
     * no token limit given (0) as the model's {@code max_position_embeddings}: longer texts are cut there and counted,
     * never run past the positions the model knows (nor into memory without bound).
     */
    private static SessionSpec resolved(SessionSpec spec, Map<Integer, SaeSpec> specs, ModelConfig config) {
        SaeSpec first = specs.values().iterator().next();
        Boolean relu = first.activation().isTopK() ? first.activation() == SaeActivation.TOPK_RELU : null;
        SessionSpec withSae = spec.withSae(first.k() > 0 ? first.k() : null, relu);
        return spec.maxTokens() > 0 ? withSae : withSae.withExtraction(spec.pooling(),
                config.maxPositionEmbeddings(), spec.batchTokens(), spec.maxBatch());
    }

    private static void closeAll(Deque<AutoCloseable> opened, Exception cause) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    /** Splits layers into groups whose encoders, as loaded for {@code dtype}, fit {@code maxSaeBytes}. */
    private static List<List<Integer>> group(Map<Integer, SaeSpec> specs, long maxSaeBytes, ComputeDtype dtype)
            throws IOException {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long used = 0;
        for (var e : specs.entrySet()) {
            long bytes = TopKSae.encoderBytes(e.getValue(), dtype);
            if (!current.isEmpty() && used + bytes > maxSaeBytes) {
                groups.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(e.getKey());
            used += bytes;
        }
        groups.add(current);
        return groups;
    }

    /** The settings this session runs with, k and ReLU resolved from the SAE files, the token limit from the model. */
    public SessionSpec spec() {
        return spec;
    }

    /** Whether the token limit is the model's own default (none was asked for) rather than one given. */
    public boolean tokenLimitFromModel() {
        return limitFromModel;
    }

    public ModelCheckpoint checkpoint() {
        return checkpoint;
    }

    public LanguageModel model() {
        return model;
    }

    public QwenTokenizer tokenizer() {
        return tokenizer;
    }

    /** The manager callers' temporary arrays hang from (through sub-managers they close). */
    public NDManager manager() {
        return manager;
    }

    /** The resolved SAE of every chosen layer, ascending. */
    public Map<Integer, SaeSpec> saes() {
        return specs;
    }

    /**
     * The width (feature count) of every chosen layer's SAE, ascending by layer; a group of SAEs not yet held is loaded
     * once to learn it (never, when all fit the memory budget, as they are loaded on open).
     */
    public Map<Integer, Integer> saeWidths() throws IOException {
        for (List<Integer> group : groups) {
            if (!widths.keySet().containsAll(group)) {
                loadGroup(group);
            }
        }
        return new TreeMap<>(widths);
    }

    /** The SAE at {@code layer}, loading its group if another one is held; it must be one of the chosen layers. */
    public TopKSae sae(int layer) throws IOException {
        for (List<Integer> group : groups) {
            if (group.contains(layer)) {
                loadGroup(group);
                return loaded.get(layer);
            }
        }
        throw new IllegalArgumentException("no SAE loaded for layer " + layer + " (loaded: " + specs.keySet() + ")");
    }

    /** The steering direction of feature {@code feature} at {@code layer}: its decoder column, raw or unit-norm. */
    public float[] direction(int layer, int feature, boolean unitNorm) throws IOException {
        float[] d = sae(layer).decoderColumn(feature);
        if (unitNorm) {
            double norm = 0;
            for (float x : d) {
                norm += (double) x * x;
            }
            float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int i = 0; i < d.length; i++) {
                d[i] *= scale;
            }
        }
        return d;
    }

    /** How many passes over the data one call makes (1 unless the SAEs exceed the memory budget). */
    public int passes() {
        return groups.size();
    }

    /** Texts cut to the token limit so far. */
    public long truncatedCount() {
        return truncated;
    }

    /** The token ids the model sees for each text (cut to the token limit). */
    public int[][] tokenIds(List<String> texts) {
        int[][] ids = tokenizer.encodeAll(texts);
        FeatureExtractor.truncate(ids, spec.maxTokens());
        return ids;
    }

    /** Uses (and fills) feature caches under {@code dir} for pooled features from now on. */
    public void useCache(Path dir) throws IOException {
        for (var e : specs.entrySet()) {
            caches.put(e.getKey(), FeatureCache.open(dir, cacheKey(e.getValue())));
        }
    }

    /** What decides a cached entry: the model (config, weights and tokenizer), the SAE and the extraction settings. */
    private String cacheKey(SaeSpec sae) throws IOException {
        return "{\"model_config_sha256\":\"" + checkpoint.configSha256() + "\",\"model_weights_digest\":\""
                + checkpoint.weightsDigest() + "\",\"tokenizer_sha256\":\"" + checkpoint.tokenizerSha256()
                + "\",\"sae_sha256\":\"" + sae.sha256()
                + "\",\"layer\":" + sae.layer() + ",\"k\":" + sae.k() + ",\"activation\":\"" + sae.activation()
                + "\",\"subtract_b_dec\":" + sae.subtractDecoderBias() + ",\"pooling\":\"" + spec.pooling().id()
                + "\",\"max_tokens\":" + spec.maxTokens() + ",\"dtype\":\"" + spec.dtype() + "\"}";
    }

    /**
     * Full features of each text at every chosen layer, in input order, pooled and (with {@code perToken}) per token;
     * no cache.
     */
    public TextFeatures[] extract(List<String> texts, boolean perToken) throws IOException {
        TextFeatures[] merged = null;
        for (List<Integer> group : groups) {
            TextFeatures[] part = runGroup(group, texts, perToken);
            if (merged == null) {
                merged = part;
                continue;
            }
            for (int i = 0; i < merged.length; i++) {
                Map<Integer, SparseVector> pooled = new TreeMap<>(merged[i].pooled());
                pooled.putAll(part[i].pooled());
                Map<Integer, TokenCodes> tokens = new TreeMap<>(merged[i].tokens());
                tokens.putAll(part[i].tokens());
                merged[i] = new TextFeatures(merged[i].tokenIds(), merged[i].truncated(), pooled, tokens);
            }
        }
        return merged;
    }

    /** Pooled features per layer of each text, in input order, from the caches where present. */
    public List<Map<Integer, SparseVector>> pooled(List<String> texts) throws IOException {
        List<Map<Integer, SparseVector>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(new TreeMap<>());
        }
        for (List<Integer> group : groups) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                for (int layer : group) {
                    FeatureCache cache = caches.get(layer);
                    FeatureCache.Entry hit = cache == null ? null : cache.get(texts.get(i));
                    if (hit == null) {
                        missing.add(i);
                        break;
                    }
                    out.get(i).put(layer, hit.pooled());
                }
            }
            if (missing.isEmpty()) {
                continue;
            }
            List<String> todo = new ArrayList<>(missing.size());
            missing.forEach(i -> todo.add(texts.get(i)));
            TextFeatures[] computed;
            try {
                computed = runGroup(group, todo, false);
            } catch (BatchMemoryException e) {
                throw e.renumbered(missing.stream().mapToInt(Integer::intValue).toArray());
            }
            for (int j = 0; j < computed.length; j++) {
                int i = missing.get(j);
                for (int layer : group) {
                    SparseVector v = computed[j].pooled().get(layer);
                    out.get(i).put(layer, v);
                    FeatureCache cache = caches.get(layer);
                    if (cache != null) {
                        cache.put(texts.get(i), new FeatureCache.Entry(v, computed[j].tokenIds().length,
                                computed[j].truncated()));
                    }
                }
            }
            for (FeatureCache cache : caches.values()) {
                cache.flush();
            }
        }
        return out;
    }

    private void loadGroup(List<Integer> group) throws IOException {
        if (group.equals(loadedGroup)) {
            return;
        }
        closeSaes();
        saeManager = manager.newSubManager();
        Map<Integer, TopKSae> saes = new LinkedHashMap<>();
        for (int layer : group) {
            TopKSae sae = TopKSae.load(specs.get(layer), checkpoint.config().hiddenSize(), model.dtype(),
                    saeManager);
            saes.put(layer, sae);
            widths.put(layer, sae.dSae());
        }
        loaded = saes;
        loadedGroup = group;
    }

    private void closeSaes() {
        loaded.values().forEach(TopKSae::close);
        loaded = Map.of();
        loadedGroup = null;
        if (saeManager != null) {
            saeManager.close();
            saeManager = null;
        }
    }

    private TextFeatures[] runGroup(List<Integer> group, List<String> texts, boolean perToken) throws IOException {
        loadGroup(group);
        FeatureExtractor extractor = new FeatureExtractor(model, tokenizer, loaded, spec, perToken);
        try (NDManager scope = manager.newSubManager()) {
            TextFeatures[] result = extractor.extract(scope, texts);
            if (group == groups.get(0)) {
                truncated += extractor.truncatedCount();
            }
            return result;
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FeatureCache cache : caches.values()) {
            try {
                cache.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        closeSaes();
        manager.close();
        tokenizer.close();
        model.close();
        checkpoint.close();
        if (failure != null) {
            throw failure;
        }
    }
}
