package org.toxiscope.classify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.toxiscope.common.Digests;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.sae.SaeActivation;
import org.toxiscope.features.sae.SaeSpec;

/**
 * Builds feature tables from a dataset through a {@link FeatureSession} (cache-backed, chunk by chunk), hashing the
 * records it reads, and describes the session's extraction for provenance and bundle compatibility checks.
 */
public final class FeatureTables {

    /** A table with the SHA-256 of its records (id, text, language, labels in order). */
    public record Loaded(FeatureTable table, String dataSha256) {
    }

    private FeatureTables() {
    }

    /** Reads every record into a table of the session's layers; {@code progress} hears the running record count. */
    public static Loaded load(FeatureSession session, Iterator<TextRecord> records, int chunk, LongConsumer progress)
            throws IOException {
        int[] layers = session.saes().keySet().stream().mapToInt(Integer::intValue).toArray();
        Digests.Sha256 digest = new Digests.Sha256();
        FeatureTable.Builder builder = null;
        List<TextRecord> batch = new ArrayList<>(chunk);
        long done = 0;
        while (records.hasNext()) {
            TextRecord r = records.next();
            if (builder == null) {
                builder = FeatureTable.builder(layers, List.copyOf(r.labels().keySet()));
            }
            digest.update(r.id() + '\u0000' + r.text() + '\u0000' + r.lang() + '\u0000' + r.labels() + '\n');
            batch.add(r);
            if (batch.size() == chunk || !records.hasNext()) {
                addAll(session, builder, batch, layers);
                done += batch.size();
                progress.accept(done);
                batch.clear();
            }
        }
        if (builder == null) {
            throw new IllegalArgumentException("the data holds no records");
        }
        return new Loaded(builder.build(), digest.hex());
    }

    private static void addAll(FeatureSession session, FeatureTable.Builder builder, List<TextRecord> batch,
                               int[] layers) throws IOException {
        List<Map<Integer, SparseVector>> pooled = session.pooled(batch.stream().map(TextRecord::text).toList());
        for (int i = 0; i < batch.size(); i++) {
            builder.add(batch.get(i), byLayer(pooled.get(i), layers));
        }
    }

    /** The pooled vectors of {@code layers}, in that order. */
    public static SparseVector[] byLayer(Map<Integer, SparseVector> pooled, int[] layers) {
        SparseVector[] out = new SparseVector[layers.length];
        for (int s = 0; s < layers.length; s++) {
            out[s] = pooled.get(layers[s]);
        }
        return out;
    }

    /** What the session extracts: model, SAE file hashes per layer, k, ReLU, pooling. */
    public static ExtractionProvenance provenance(FeatureSession session, String saeId) {
        Map<Integer, String> hashes = new TreeMap<>();
        int k = 0;
        boolean relu = false;
        for (SaeSpec spec : session.saes().values()) {
            hashes.put(spec.layer(), spec.sha256());
            k = spec.k();
            relu = spec.activation() == SaeActivation.TOPK_RELU;
        }
        return new ExtractionProvenance(session.checkpoint().id(), session.checkpoint().configSha256(), saeId, hashes,
                k, relu, session.settings().pooling().id());
    }
}
