package org.toxiscope.classify;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.ExtractionSettings;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;

/**
 * A classifier bundle with the model and SAEs it was trained on, ready to predict texts: opens the model and the SAE
 * layers the bundle reads (from where the bundle says, or from overrides where the files moved), and refuses a model or
 * SAE other than the training one.
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
     * Opens {@code bundle}'s model and SAE ({@code modelOverride}/{@code saeOverride} null: as recorded) on
     * {@code device}; {@code maxTokens}/{@code batchTokens} as in {@link ExtractionSettings}.
     */
    public static BundleSession open(ClassifierBundle bundle, String modelOverride, String saeOverride, Device device,
                                     int maxTokens, int batchTokens) throws IOException {
        ExtractionProvenance trained = bundle.provenance().extraction();
        List<Integer> layers = new ArrayList<>();
        for (int l : bundle.layers()) {
            layers.add(l);
        }
        ExtractionSettings settings = new ExtractionSettings(Pooling.parse(trained.pooling()), false, maxTokens,
                batchTokens, ExtractionSettings.DEFAULT.maxBatch());
        String saeSpec = saeOverride != null ? saeOverride : trained.saeId();
        FeatureSession session = FeatureSession.open(modelOverride != null ? modelOverride : trained.modelId(), device,
                saeSpec, layers, trained.k() > 0 ? trained.k() : null, trained.relu(), settings, Long.MAX_VALUE);
        try {
            bundle.checkCompatible(FeatureTables.provenance(session, saeSpec));
        } catch (RuntimeException e) {
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

    /** Every label's prediction for each record, in input order (primary label first). */
    public List<List<Prediction>> predict(List<TextRecord> records) throws IOException {
        List<Map<Integer, SparseVector>> pooled = session.pooled(records.stream().map(TextRecord::text).toList());
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
