package org.toxiscope.synthesize;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.toxiscope.features.extract.ExtractionSettings;
import org.toxiscope.features.extract.FeatureExtractor;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.io.HfCache;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.SaeSpec;
import org.toxiscope.features.sae.TopKSae;

/**
 * A whole model (head included: generation and the logit lens need it) with the SAEs of the layers in use, loaded
 * once and shared by steering, explanation and verification.
 */
public final class FeatureModel implements AutoCloseable {

    private final ModelCheckpoint checkpoint;
    private final LanguageModel model;
    private final QwenTokenizer tokenizer;
    private final NDManager manager;
    private final Map<Integer, TopKSae> saes;
    private final FeatureExtractor extractor;

    private FeatureModel(ModelCheckpoint checkpoint, LanguageModel model, QwenTokenizer tokenizer, NDManager manager,
                         Map<Integer, TopKSae> saes, ExtractionSettings settings) {
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.saes = saes;
        this.extractor = new FeatureExtractor(model, tokenizer, saes, settings);
    }

    /** Opens {@code modelSpec} whole on {@code device} and the SAE of each of {@code layers} from {@code saeSpec}. */
    public static FeatureModel open(String modelSpec, Device device, String saeSpec, Collection<Integer> layers,
                                    Integer k, Boolean relu, ExtractionSettings settings) throws IOException {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no SAE layer to load");
        }
        Map<Integer, SaeSpec> specs =
                new SaeResolver(HfCache.fromEnvironment()).resolveLayers(saeSpec, layers, k, relu);
        ModelCheckpoint checkpoint = ModelCheckpoint.open(modelSpec);
        LanguageModel model = null;
        QwenTokenizer tokenizer = null;
        NDManager manager = null;
        try {
            checkpoint.requireLayer(specs.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow());
            model = checkpoint.load(device, -1);
            tokenizer = checkpoint.tokenizer();
            manager = NDManager.newBaseManager(device);
            Map<Integer, TopKSae> saes = new TreeMap<>();
            for (var e : specs.entrySet()) {
                saes.put(e.getKey(), TopKSae.load(e.getValue(), manager));
            }
            return new FeatureModel(checkpoint, model, tokenizer, manager, saes, settings);
        } catch (IOException | RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
            if (model != null) {
                model.close();
            }
            checkpoint.close();
            throw e;
        }
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

    /** The manager arrays of callers' temporary work hang from (use sub-managers). */
    public NDManager manager() {
        return manager;
    }

    /** The SAE at {@code layer}; it must be one of the layers opened. */
    public TopKSae sae(int layer) {
        TopKSae sae = saes.get(layer);
        if (sae == null) {
            throw new IllegalArgumentException("no SAE loaded for layer " + layer + " (loaded: " + saes.keySet() + ")");
        }
        return sae;
    }

    /** SHA-256 of each layer's SAE file, for provenance and classifier compatibility checks. */
    public Map<Integer, String> saeSha256() {
        Map<Integer, String> out = new TreeMap<>();
        saes.forEach((layer, sae) -> out.put(layer, sae.spec().sha256()));
        return out;
    }

    /** The steering direction of {@code target}: its raw decoder column, or that column scaled to unit norm. */
    public float[] direction(Target target, boolean unitNorm) throws IOException {
        float[] d = sae(target.layer()).decoderColumn(target.feature());
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

    /** Features of {@code texts} at every loaded SAE layer, in input order. */
    public TextFeatures[] extract(List<String> texts) {
        try (NDManager scope = manager.newSubManager()) {
            return extractor.extract(scope, texts);
        }
    }

    @Override
    public void close() throws IOException {
        saes.values().forEach(TopKSae::close);
        manager.close();
        tokenizer.close();
        model.close();
        checkpoint.close();
    }
}
