package org.toxiscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/**
 * The features job's partition function: appends, per layer in ascending order, the text's pooled SAE features as a
 * struct of {@code indices} (int) and {@code values} (float), indices ascending.
 */
final class FeatureRows extends ChunkedRows<FeatureSession> {

    private final SessionSpec session;

    FeatureRows(Spec spec, SessionSpec session) {
        super(spec);
        this.session = session;
    }

    @Override
    FeatureSession session() throws IOException {
        return ExecutorSessions.features(session, spec().counters().loads());
    }

    @Override
    FeatureSession features(FeatureSession open) {
        return open;
    }

    @Override
    List<List<Object>> append(FeatureSession open, CorpusPass.Chunk chunk) {
        List<List<Object>> out = new ArrayList<>(chunk.pooled().size());
        for (Map<Integer, SparseVector> text : chunk.pooled()) {
            List<Object> values = new ArrayList<>(session.layers().size());
            for (int layer : session.layers()) {
                SparseVector v = text.getOrDefault(layer, SparseVector.EMPTY);
                values.add(RowFactory.create(v.indices(), v.values()));
            }
            out.add(values);
        }
        return out;
    }
}
