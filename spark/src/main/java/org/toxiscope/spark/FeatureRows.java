package org.toxiscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;

/**
 * The features job's partition function: appends, per layer in ascending order, the text's pooled SAE features as a
 * struct of {@code indices} (int) and {@code values} (float), indices ascending.
 */
final class FeatureRows extends ChunkedRows {

    private final ExecutorSessions.FeatureKey key;

    FeatureRows(Spec spec, ExecutorSessions.FeatureKey key) {
        super(spec);
        this.key = key;
    }

    @Override
    List<List<Object>> append(List<TextRecord> chunk) throws IOException {
        FeatureSession session = ExecutorSessions.session(key, FeatureSession.class, spec().counters().loads());
        List<Map<Integer, SparseVector>> pooled;
        synchronized (session) {
            pooled = session.pooled(chunk.stream().map(TextRecord::text).toList());
        }
        List<List<Object>> out = new ArrayList<>(pooled.size());
        for (Map<Integer, SparseVector> text : pooled) {
            List<Object> values = new ArrayList<>(key.layers().size());
            for (int layer : key.layers()) {
                SparseVector v = text.getOrDefault(layer, SparseVector.EMPTY);
                values.add(RowFactory.create(v.indices(), v.values()));
            }
            out.add(values);
        }
        return out;
    }
}
