package org.toxiscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.Prediction;
import org.toxiscope.features.extract.FeatureSession;

/** The label job's partition function: appends {@link LabelColumns#values} of the bundle's predictions to each row. */
final class LabelRows extends ChunkedRows<BundleSession> {

    private final ExecutorSessions.BundleKey key;

    LabelRows(Spec spec, ExecutorSessions.BundleKey key) {
        super(spec);
        this.key = key;
    }

    @Override
    BundleSession session() throws IOException {
        return ExecutorSessions.bundle(key, spec().counters().loads());
    }

    @Override
    FeatureSession features(BundleSession session) {
        return session.features();
    }

    @Override
    List<List<Object>> append(BundleSession session, CorpusPass.Chunk chunk) {
        List<List<Prediction>> predictions = session.predict(chunk);
        List<List<Object>> out = new ArrayList<>(predictions.size());
        for (List<Prediction> p : predictions) {
            out.add(LabelColumns.values(p));
        }
        return out;
    }
}
