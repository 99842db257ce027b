package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.toxiscope.classify.FeatureTable;

/**
 * A discovery table and a held-out test table over the same layers, with the primary label column (the first of the
 * discovery table, found by name in the test table): the input of the layer, language and data-efficiency studies.
 * Rows without a language are keyed {@link Predictions#UNKNOWN_LANGUAGE}.
 */
public record StudyData(FeatureTable train, FeatureTable test, int testLabel) {

    /** Pairs the tables; errors when they lack the label column, labelled rows or a common layer set. */
    public static StudyData of(FeatureTable train, FeatureTable test) {
        if (train.labelNames().isEmpty()) {
            throw new IllegalArgumentException("the discovery data has no label column (pass --label-column)");
        }
        String label = train.labelNames().get(0);
        if (!test.labelNames().contains(label)) {
            throw new IllegalArgumentException("the test data has no label column '" + label + "' (it has "
                    + test.labelNames() + ")");
        }
        if (!Arrays.equals(train.layers(), test.layers())) {
            throw new IllegalArgumentException("discovery layers " + Arrays.toString(train.layers())
                    + " differ from test layers " + Arrays.toString(test.layers()));
        }
        StudyData d = new StudyData(train, test, test.labelIndex(label));
        if (d.trainRows().length == 0 || d.testRows().length == 0) {
            throw new IllegalArgumentException("no labelled rows for '" + label + "' in the "
                    + (d.trainRows().length == 0 ? "discovery" : "test") + " data");
        }
        return d;
    }

    /** The label column of the discovery table (always its first). */
    public int trainLabel() {
        return 0;
    }

    public String labelName() {
        return train.labelNames().get(0);
    }

    /** The layers held, ascending. */
    public int[] layers() {
        int[] l = train.layers();
        Arrays.sort(l);
        return l;
    }

    /** Labelled discovery rows. */
    public int[] trainRows() {
        return labelled(train, 0, null);
    }

    /** Labelled discovery rows of one language key. */
    public int[] trainRows(String lang) {
        return labelled(train, 0, lang);
    }

    /** Labelled test rows. */
    public int[] testRows() {
        return labelled(test, testLabel, null);
    }

    /** Labelled test rows of one language key. */
    public int[] testRows(String lang) {
        return labelled(test, testLabel, lang);
    }

    /** Language keys of the labelled test rows, sorted. */
    public List<String> testLanguages() {
        return languages(test, testRows());
    }

    /** Language keys of the labelled discovery rows, sorted. */
    public List<String> trainLanguages() {
        return languages(train, trainRows());
    }

    /** True when the discovery rows of {@code lang} hold both toxic and clean examples. */
    public boolean discoverable(String lang) {
        boolean toxic = false;
        boolean clean = false;
        for (int row : trainRows(lang)) {
            if (train.label(0, row)) {
                toxic = true;
            } else {
                clean = true;
            }
        }
        return toxic && clean;
    }

    /** The language key of a table row. */
    public static String langKey(FeatureTable table, int row) {
        String l = table.lang(row);
        return l == null || l.isBlank() ? Predictions.UNKNOWN_LANGUAGE : l;
    }

    private static List<String> languages(FeatureTable table, int[] rows) {
        SortedSet<String> out = new TreeSet<>();
        for (int row : rows) {
            out.add(langKey(table, row));
        }
        return new ArrayList<>(out);
    }

    private static int[] labelled(FeatureTable table, int label, String lang) {
        return java.util.stream.IntStream.range(0, table.size())
                .filter(r -> table.labelled(label, r) && (lang == null || lang.equals(langKey(table, r))))
                .toArray();
    }
}
