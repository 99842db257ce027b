package org.toxiscope.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.features.SparseVector;

/**
 * Hand-made discovery and test tables at layers 3 and 7, languages en and de, label "toxic", with known answers.
 * Discovery: en toxic t1 (L3 f1; L7 f5 f6), t2 (L7 f5); en clean c1, c2 (nothing); de toxic t3 (L3 f1 f2; L7 f5),
 * t4 (L3 f2; L7 f5); de clean c3, c4 (nothing). Test: en toxic a1 (L3 f1; L7 f5), a2 (L3 f2); en clean a3 (L7 f5),
 * a4 (nothing); de toxic b1 (L3 f2; L7 f5), b2 (L3 f1 f2); de clean b3 (nothing), b4 (L3 f1).
 */
final class StudyTables {

    static final int[] LAYERS = {3, 7};

    private StudyTables() {
    }

    static SparseVector fires(int... features) {
        int[] idx = features.clone();
        Arrays.sort(idx);
        float[] values = new float[idx.length];
        Arrays.fill(values, 1f);
        return new SparseVector(idx, values, new int[idx.length]);
    }

    static FeatureTable train() {
        FeatureTable.Builder b = FeatureTable.builder(LAYERS, List.of("toxic"));
        row(b, "t1", "en", true, fires(1), fires(5, 6));
        row(b, "t2", "en", true, fires(), fires(5));
        row(b, "c1", "en", false, fires(), fires());
        row(b, "c2", "en", false, fires(), fires());
        row(b, "t3", "de", true, fires(1, 2), fires(5));
        row(b, "t4", "de", true, fires(2), fires(5));
        row(b, "c3", "de", false, fires(), fires());
        row(b, "c4", "de", false, fires(), fires());
        return b.build();
    }

    static FeatureTable test() {
        FeatureTable.Builder b = FeatureTable.builder(LAYERS, List.of("toxic"));
        row(b, "a1", "en", true, fires(1), fires(5));
        row(b, "a2", "en", true, fires(2), fires());
        row(b, "a3", "en", false, fires(), fires(5));
        row(b, "a4", "en", false, fires(), fires());
        row(b, "b1", "de", true, fires(2), fires(5));
        row(b, "b2", "de", true, fires(1, 2), fires());
        row(b, "b3", "de", false, fires(), fires());
        row(b, "b4", "de", false, fires(1), fires());
        return b.build();
    }

    static StudyData data() {
        return StudyData.of(train(), test());
    }

    private static void row(FeatureTable.Builder b, String id, String lang, boolean toxic, SparseVector l3,
                            SparseVector l7) {
        b.add(id, lang, Map.of("toxic", toxic), l3, l7);
    }
}
