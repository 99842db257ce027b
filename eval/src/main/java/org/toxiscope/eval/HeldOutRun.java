package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.LabelClassifier;

/**
 * One classifier's scores and decisions on the labelled test rows of a {@link StudyData} (a decision is
 * {@code score >= threshold of the row's language}), with F1 of the toxic class overall and per language key;
 * F1 is NaN where undefined (no toxic row and no positive decision).
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
            scores[i] = classifier.scorer().score(t, row);
            predicted[i] = scores[i] >= classifier.thresholds().of(t.lang(row));
        }
        return new HeldOutRun(ids, langs, gold, scores, predicted);
    }

    /** F1 of the toxic class over all rows. */
    public double f1() {
        return f1(null);
    }

    /** F1 of the toxic class over the rows of one language key (all rows for null). */
    public double f1(String lang) {
        long tp = 0;
        long wrong = 0;
        for (int i = 0; i < gold.length; i++) {
            if (lang == null || lang.equals(langs[i])) {
                if (gold[i] && predicted[i]) {
                    tp++;
                } else if (gold[i] != predicted[i]) {
                    wrong++;
                }
            }
        }
        return 2 * tp + wrong == 0 ? Double.NaN : 2.0 * tp / (2 * tp + wrong);
    }

    /** F1 per language key, in the order given. */
    public Map<String, Double> f1ByLanguage(List<String> languages) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String l : languages) {
            out.put(l, f1(l));
        }
        return out;
    }

    /** The mean of the per-language F1 over the languages given where it is defined; NaN when nowhere. */
    public double macroF1AcrossLanguages(List<String> languages) {
        double sum = 0;
        int n = 0;
        for (String l : languages) {
            double f = f1(l);
            if (!Double.isNaN(f)) {
                sum += f;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The rows as predictions for {@link ClassifierEvaluation#evaluate}. */
    public Predictions predictions() {
        List<Prediction> rows = new ArrayList<>(gold.length);
        for (int i = 0; i < gold.length; i++) {
            rows.add(new Prediction(ids[i], langs[i], gold[i], scores[i], predicted[i]));
        }
        return Predictions.of(rows);
    }
}
