package org.toxiscope.classify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/**
 * A classifier bundle with the model and SAEs it was trained on, ready to predict texts: opens the session the
 * bundle's recorded settings describe (model and SAE from where the bundle says, or from overrides where the files
 * moved) and refuses, naming each field, a session that would extract features otherwise than training did.
 */
public final class BundleSession implements AutoCloseable {

    private final ClassifierBundle bundle;
    private final FeatureSession session;
    private final int[] layers;

    private BundleSession(ClassifierBundle bundle, FeatureSession session) {
        this.bundle = bundle;
        this.session = session;
        this.layers = bundle.layers();
    }

    /**
     * Opens {@code bundle}'s session with {@code model}/{@code sae} (null: as recorded) on {@code device} in
     * {@code dtype} ({@code auto}: the bundle's); {@code maxTokens} null takes the bundle's token limit; a token limit
     * or dtype other than the bundle's is refused.
     */
    public static BundleSession open(ClassifierBundle bundle, String model, String sae, String device, String dtype,
                                     Integer maxTokens, int batchTokens) throws IOException {
        return open(bundle, model, sae, device, dtype, maxTokens, batchTokens, false);
    }

    /**
     * {@link #open(ClassifierBundle, String, String, String, String, Integer, int)} with, when {@code wholeModel}, all
     * blocks and the head loaded (for generation and the logit lens); features still stop at the deepest layer.
     */
    public static BundleSession open(ClassifierBundle bundle, String model, String sae, String device, String dtype,
                                     Integer maxTokens, int batchTokens, boolean wholeModel) throws IOException {
        SessionSpec recorded = bundle.sessionSpec(model, sae, dtype);
        SessionSpec spec = recorded.withDevice(device).withExtraction(recorded.pooling(),
                maxTokens != null ? maxTokens : recorded.maxTokens(), batchTokens, recorded.maxBatch());
        spec = wholeModel ? spec.withWholeModel() : spec;
        // the layers are the bundle's, so an SAE that lacks one names the bundle rather than a --layer never passed
        FeatureSession session = FeatureSession.open(spec, bundle.origin());
        try {
            bundle.checkCompatible(session);
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
        return new BundleSession(bundle, session);
    }

    public ClassifierBundle bundle() {
        return bundle;
    }

    public FeatureSession features() {
        return session;
    }

    /** Every label's prediction for each record of a pass's chunk, in input order (primary label first). */
    public List<List<Prediction>> predict(CorpusPass.Chunk chunk) {
        List<TextRecord> records = chunk.records();
        List<Map<Integer, SparseVector>> pooled = chunk.pooled();
        List<List<Prediction>> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            TextRecord r = records.get(i);
            FeatureTable one = FeatureTable.single(layers, r.id(), r.lang(), FeatureTables.byLayer(pooled.get(i), layers));
            out.add(bundle.predictAll(one, 0));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        session.close();
    }
}
