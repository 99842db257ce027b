package org.toxiscope.classify;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.toxiscope.common.Digests;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;

/**
 * Builds feature tables from a dataset through a {@link FeatureSession} (cache-backed, chunk by chunk), hashing the
 * records it reads.
 */
public final class FeatureTables {

    /** A table with the SHA-256 of its records (id, text, language, labels in order). */
    public record Loaded(FeatureTable table, String dataSha256) {
    }

    private FeatureTables() {
    }

    /**
     * Reads every record into a table of the session's layers through one {@link CorpusPass} named {@code task}
     * (progress and summary on stderr), hashing id, text, language and labels of each record in order.
     */
    public static Loaded load(FeatureSession session, RecordStream records, String task, int chunk)
            throws IOException {
        int[] layers = session.saes().keySet().stream().mapToInt(Integer::intValue).toArray();
        Digests.Sha256 digest = new Digests.Sha256();
        FeatureTable.Builder[] builder = new FeatureTable.Builder[1];
        CorpusPass.of(task, session, CorpusPass.Need.POOLED).chunk(chunk).run(records, c -> {
            for (int i = 0; i < c.records().size(); i++) {
                TextRecord r = c.records().get(i);
                if (builder[0] == null) {
                    builder[0] = FeatureTable.builder(layers, List.copyOf(r.labels().keySet()));
                }
                digest.update(r.id() + '\u0000' + r.text() + '\u0000' + r.lang() + '\u0000' + r.labels() + '\n');
                builder[0].add(r, byLayer(c.pooled().get(i), layers));
            }
        });
        if (builder[0] == null) {
            throw new IllegalArgumentException("the data holds no records");
        }
        return new Loaded(builder[0].build(), digest.hex());
    }

    /** The pooled vectors of {@code layers}, in that order. */
    public static SparseVector[] byLayer(Map<Integer, SparseVector> pooled, int[] layers) {
        SparseVector[] out = new SparseVector[layers.length];
        for (int s = 0; s < layers.length; s++) {
            out[s] = pooled.get(layers[s]);
        }
        return out;
    }
}
