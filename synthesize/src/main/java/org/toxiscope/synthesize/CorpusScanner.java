package org.toxiscope.synthesize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.extract.TextFeatures;

/**
 * Encodes a corpus in batches with a {@link FeatureModel} and feeds every example, in corpus order, to firing sets
 * and (optionally) an explainer; the count of examples so far goes to a progress callback after each batch.
 */
public final class CorpusScanner {

    private CorpusScanner() {
    }

    /** Returns the number of examples read; {@code explainer} may be null. */
    public static long scan(FeatureModel model, Iterable<TextRecord> records, int batch, FiringSets sets,
                            FeatureExplainer explainer, LongConsumer progress) {
        List<TextRecord> pending = new ArrayList<>(batch);
        long count = 0;
        for (TextRecord r : records) {
            pending.add(r);
            if (pending.size() == batch) {
                count += flush(model, pending, sets, explainer);
                progress.accept(count);
            }
        }
        count += flush(model, pending, sets, explainer);
        progress.accept(count);
        return count;
    }

    private static int flush(FeatureModel model, List<TextRecord> pending, FiringSets sets,
                             FeatureExplainer explainer) {
        if (pending.isEmpty()) {
            return 0;
        }
        TextFeatures[] features = model.extract(pending.stream().map(TextRecord::text).toList());
        for (int i = 0; i < features.length; i++) {
            if (sets != null) {
                sets.add(features[i].pooled());
            }
            if (explainer != null) {
                explainer.add(pending.get(i).id(), features[i]);
            }
        }
        int n = pending.size();
        pending.clear();
        return n;
    }
}
