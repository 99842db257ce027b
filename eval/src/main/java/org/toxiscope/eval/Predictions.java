package org.toxiscope.eval;

import java.util.Collection;
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
    public static Predictions of(Collection<ScoredExample> rows) {
        int n = rows.size();
        String[] ids = new String[n];
        String[] langs = new String[n];
        boolean[] gold = new boolean[n];
        double[] scores = new double[n];
        boolean[] predicted = new boolean[n];
        int i = 0;
        for (ScoredExample p : rows) {
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
        int count = 0;
        for (String l : langs) {
            if (l.equals(lang)) {
                count++;
            }
        }
        String[] i2 = new String[count];
        String[] l2 = new String[count];
        boolean[] g2 = new boolean[count];
        double[] s2 = new double[count];
        boolean[] p2 = new boolean[count];
        int k = 0;
        for (int i = 0; i < size(); i++) {
            if (langs[i].equals(lang)) {
                i2[k] = ids[i];
                l2[k] = langs[i];
                g2[k] = gold[i];
                s2[k] = scores[i];
                p2[k] = predicted[i];
                k++;
            }
        }
        return new Predictions(i2, l2, g2, s2, p2);
    }

    /** Row i as a record. */
    public ScoredExample get(int i) {
        return new ScoredExample(ids[i], langs[i], gold[i], scores[i], predicted[i]);
    }
}
