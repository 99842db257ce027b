package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.toxiscope.classify.ConfusionMatrix;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.LabelClassifier;

/**
 * One classifier's scores in [0, 1] and decisions on the labelled test rows of a {@link StudyData} (a decision is
 * {@code raw score >= threshold of the row's language}), with F1 of the toxic class overall and per language key;
 * F1 is null where undefined (no toxic row and no positive decision), the rule of {@link ConfusionMatrix}.
 */
public final class HeldOutRun {

    private final String[] ids;
    private final String[] langs;
    private final boolean[] gold;
    private final double[] scores;
    private final boolean[] predicted;

    private HeldOutRun(String[] ids, String[] langs, boolean[] gold, double[] scores, boolean[] predicted) {
        this.ids = ids;
        this.langs = langs;
        this.gold = gold;
        this.scores = scores;
        this.predicted = predicted;
    }

    /** Runs {@code classifier} on every labelled test row of {@code data}. */
    public static HeldOutRun of(LabelClassifier classifier, StudyData data) {
        FeatureTable t = data.test();
        int[] rows = data.testRows();
        String[] ids = new String[rows.length];
        String[] langs = new String[rows.length];
        boolean[] gold = new boolean[rows.length];
        double[] scores = new double[rows.length];
        boolean[] predicted = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int row = rows[i];
            ids[i] = t.id(row);
            langs[i] = StudyData.langKey(t, row);
            gold[i] = t.label(data.testLabel(), row);
            double raw = classifier.scorer().score(t, row);
            scores[i] = classifier.scale(raw);
            predicted[i] = raw >= classifier.thresholds().of(t.lang(row));
        }
        return new HeldOutRun(ids, langs, gold, scores, predicted);
    }

    /** F1 of the toxic class over all rows. */
    public Double f1() {
        return f1(null);
    }

    /** F1 of the toxic class over the rows of one language key (all rows for null). */
    public Double f1(String lang) {
        IntPredicate in = i -> lang == null || lang.equals(langs[i]);
        // rows of other languages count as true negatives, which F1 does not read
        return ConfusionMatrix.count(gold.length, i -> in.test(i) && predicted[i], i -> in.test(i) && gold[i]).f1();
    }

    /** The mean of the per-language F1 over the languages given where it is defined; null when nowhere. */
    public Double macroF1AcrossLanguages(List<String> languages) {
        double sum = 0;
        int n = 0;
        for (String l : languages) {
            Double f = f1(l);
            if (f != null) {
                sum += f;
                n++;
            }
        }
        return ConfusionMatrix.ratio(sum, n);
    }

    /** The rows as predictions for {@link ClassifierEvaluation#evaluate}. */
    public Predictions predictions() {
        List<ScoredExample> rows = new ArrayList<>(gold.length);
        for (int i = 0; i < gold.length; i++) {
            rows.add(new ScoredExample(ids[i], langs[i], gold[i], scores[i], predicted[i]));
        }
        return Predictions.of(rows);
    }
}
