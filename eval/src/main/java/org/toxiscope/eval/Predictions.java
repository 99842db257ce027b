package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable, column-wise set of predictions of one classifier on one test set, in input order.
 * Rows without a language are grouped under {@link #UNKNOWN_LANGUAGE}.
 */
public final class Predictions {

    /** Language key for rows whose language is null or blank (BCP 47 "undetermined"). */
    public static final String UNKNOWN_LANGUAGE = "und";

    private final String[] ids;
    private final String[] langs;
    private final boolean[] gold;
    private final double[] scores;
    private final boolean[] predicted;

    private Predictions(String[] ids, String[] langs, boolean[] gold, double[] scores, boolean[] predicted) {
        this.ids = ids;
        this.langs = langs;
        this.gold = gold;
        this.scores = scores;
        this.predicted = predicted;
    }

    /** Copies the given rows; a null or blank language becomes {@link #UNKNOWN_LANGUAGE}. */
    public static Predictions of(Collection<Prediction> rows) {
        int n = rows.size();
        String[] ids = new String[n];
        String[] langs = new String[n];
        boolean[] gold = new boolean[n];
        double[] scores = new double[n];
        boolean[] predicted = new boolean[n];
        int i = 0;
        for (Prediction p : rows) {
            ids[i] = p.id();
            langs[i] = p.lang() == null || p.lang().isBlank() ? UNKNOWN_LANGUAGE : p.lang();
            gold[i] = p.gold();
            scores[i] = p.score();
            predicted[i] = p.predicted();
            i++;
        }
        return new Predictions(ids, langs, gold, scores, predicted);
    }

    public int size() {
        return gold.length;
    }

    public String id(int i) {
        return ids[i];
    }

    public String lang(int i) {
        return langs[i];
    }

    public boolean gold(int i) {
        return gold[i];
    }

    public double score(int i) {
        return scores[i];
    }

    public boolean predicted(int i) {
        return predicted[i];
    }

    /** Every language present, sorted. */
    public SortedSet<String> languages() {
        SortedSet<String> out = new TreeSet<>();
        for (String l : langs) {
            out.add(l);
        }
        return out;
    }

    /** The rows of one language, in input order (empty when the language does not occur). */
    public Predictions forLanguage(String lang) {
        List<Prediction> rows = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (Objects.equals(langs[i], lang)) {
                rows.add(get(i));
            }
        }
        return of(rows);
    }

    /** Row i as a record. */
    public Prediction get(int i) {
        return new Prediction(ids[i], langs[i], gold[i], scores[i], predicted[i]);
    }
}
