package org.toxiscope.features.extract;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.io.HfCache;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.SaeSpec;
import org.toxiscope.features.sae.TopKSae;

/**
 * A model loaded up to its deepest SAE layer plus the SAEs of the chosen layers, turning texts into features. SAE
 * encoders are held a group at a time within {@code maxSaeBytes} (several passes when they do not all fit), and pooled
 * features go through a {@link FeatureCache} per layer when a cache folder is given.
 */
public final class FeatureSession implements AutoCloseable {

    private static final Pattern QWEN_SCOPE_FILE = Pattern.compile("layer(\\d+)\\.sae\\.pt");
    private static final Pattern SAELENS_DIR = Pattern.compile("blocks\\.(\\d+)\\.hook_resid_post");

    private final ModelCheckpoint checkpoint;
    private final LanguageModel model;
    private final QwenTokenizer tokenizer;
    private final NDManager manager;
    private final Map<Integer, SaeSpec> specs;
    private final List<List<Integer>> groups;
    private final ExtractionSettings settings;
    private final Map<Integer, FeatureCache> caches = new TreeMap<>();
    /** The SAE group held now; with one group it stays loaded for the whole session. */
    private List<Integer> loadedGroup;
    private NDManager saeManager;
    private FeatureExtractor extractor;
    private long truncated;

    private FeatureSession(ModelCheckpoint checkpoint, LanguageModel model, QwenTokenizer tokenizer, Device device,
                           Map<Integer, SaeSpec> specs, List<List<Integer>> groups, ExtractionSettings settings) {
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = NDManager.newBaseManager(device);
        this.specs = specs;
        this.groups = groups;
        this.settings = settings;
    }

    /**
     * Opens the model {@code modelSpec} and the SAEs of {@code layers} from {@code saeSpec} (a file, a folder of
     * per-layer files, a SAELens folder or a HF id), loading only blocks 0..max(layers).
     */
    public static FeatureSession open(String modelSpec, Device device, String saeSpec, List<Integer> layers, Integer k,
                                      Boolean relu, ExtractionSettings settings, long maxSaeBytes) throws IOException {
        Map<Integer, SaeSpec> specs =
                new SaeResolver(HfCache.fromEnvironment()).resolveLayers(saeSpec, layers, k, relu);
        ModelCheckpoint checkpoint = ModelCheckpoint.open(modelSpec);
        int deepest = specs.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        try {
            checkpoint.requireLayer(deepest);
        } catch (IllegalArgumentException e) {
            checkpoint.close();
            throw e;
        }
        LanguageModel model = checkpoint.load(device, deepest);
        return new FeatureSession(checkpoint, model, checkpoint.tokenizer(), device, specs, group(specs, maxSaeBytes),
                settings);
    }

    /** Layers the SAE argument provides: {@code layer{n}.sae.pt} files or SAELens {@code blocks.n.hook_resid_post} folders. */
    public static List<Integer> availableLayers(String saeSpec) throws IOException {
        Path dir = HfCache.fromEnvironment().resolve(saeSpec, HfCache.RepoType.MODEL);
        List<Integer> layers = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return layers;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                Matcher m = QWEN_SCOPE_FILE.matcher(name);
                Matcher s = SAELENS_DIR.matcher(name);
                if (m.matches()) {
                    layers.add(Integer.parseInt(m.group(1)));
                } else if (s.matches() && Files.isDirectory(p)) {
                    layers.add(Integer.parseInt(s.group(1)));
                }
            });
        }
        layers.sort(null);
        return layers;
    }

    /** Splits layers into groups whose encoders (about half of each SAE file) fit {@code maxSaeBytes}. */
    private static List<List<Integer>> group(Map<Integer, SaeSpec> specs, long maxSaeBytes) throws IOException {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long used = 0;
        for (var e : specs.entrySet()) {
            long bytes = Files.size(e.getValue().weights()) / 2;
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

    public ModelCheckpoint checkpoint() {
        return checkpoint;
    }

    public LanguageModel model() {
        return model;
    }

    public QwenTokenizer tokenizer() {
        return tokenizer;
    }

    public Map<Integer, SaeSpec> saes() {
        return specs;
    }

    /** How many passes over the data one call makes (1 unless the SAEs exceed the memory budget). */
    public int passes() {
        return groups.size();
    }

    public ExtractionSettings settings() {
        return settings;
    }

    /** Texts cut to the token limit so far. */
    public long truncatedCount() {
        return truncated;
    }

    /** The token ids the model sees for each text (cut to the token limit). */
    public int[][] tokenIds(List<String> texts) {
        int[][] ids = tokenizer.encodeAll(texts);
        FeatureExtractor.truncate(ids, settings.maxTokens());
        return ids;
    }

    /** Uses (and fills) feature caches under {@code dir} for pooled features from now on. */
    public void useCache(Path dir) throws IOException {
        for (var e : specs.entrySet()) {
            caches.put(e.getKey(), FeatureCache.open(dir, cacheKey(e.getValue())));
        }
    }

    private String cacheKey(SaeSpec sae) {
        return "{\"model_config_sha256\":\"" + checkpoint.configSha256() + "\",\"sae_sha256\":\"" + sae.sha256()
                + "\",\"layer\":" + sae.layer() + ",\"k\":" + sae.k() + ",\"activation\":\"" + sae.activation()
                + "\",\"subtract_b_dec\":" + sae.subtractDecoderBias() + ",\"pooling\":\"" + settings.pooling().id()
                + "\",\"max_tokens\":" + settings.maxTokens() + "}";
    }

    /** Full features (pooled, and per token when the settings ask) of each text, in input order; no cache. */
    public TextFeatures[] extract(List<String> texts) throws IOException {
        TextFeatures[] merged = null;
        for (List<Integer> group : groups) {
            TextFeatures[] part = runGroup(group, texts);
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
            TextFeatures[] computed = runGroup(group, todo);
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

    private TextFeatures[] runGroup(List<Integer> group, List<String> texts) throws IOException {
        if (!group.equals(loadedGroup)) {
            if (saeManager != null) {
                saeManager.close();
            }
            saeManager = manager.newSubManager();
            Map<Integer, TopKSae> saes = new LinkedHashMap<>();
            for (int layer : group) {
                saes.put(layer, TopKSae.load(specs.get(layer), saeManager));
            }
            extractor = new FeatureExtractor(model, tokenizer, saes, settings);
            loadedGroup = group;
        }
        long before = extractor.truncatedCount();
        try (NDManager scope = manager.newSubManager()) {
            TextFeatures[] result = extractor.extract(scope, texts);
            if (group == groups.get(0)) {
                truncated += extractor.truncatedCount() - before;
            }
            return result;
        }
    }

    @Override
    public void close() throws IOException {
        for (FeatureCache cache : caches.values()) {
            cache.close();
        }
        manager.close();
        model.close();
        tokenizer.close();
        checkpoint.close();
    }
}
