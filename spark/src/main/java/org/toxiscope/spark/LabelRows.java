package org.toxiscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.TextRecord;

/** The label job's partition function: appends {@link LabelColumns#values} of the bundle's predictions to each row. */
final class LabelRows extends ChunkedRows {

    private final ExecutorSessions.BundleKey key;

    LabelRows(Spec spec, ExecutorSessions.BundleKey key) {
        super(spec);
        this.key = key;
    }

    @Override
    List<List<Object>> append(List<TextRecord> chunk) throws IOException {
        BundleSession session = ExecutorSessions.session(key, BundleSession.class, spec().counters().loads());
        List<List<Prediction>> predictions;
        synchronized (session) {
            predictions = session.predict(chunk);
        }
        List<List<Object>> out = new ArrayList<>(predictions.size());
        for (List<Prediction> p : predictions) {
            out.add(LabelColumns.values(p));
        }
        return out;
    }
}
