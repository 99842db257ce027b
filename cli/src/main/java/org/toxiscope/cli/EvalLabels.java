package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;

/**
 * Which heads of a bundle {@code eval --classifier} scores, and against which gold column: heads and goldColumns
 * are aligned (goldColumns empty = the corpus's default label column, for a one-label bundle only); missing names
 * the bundle's labels left out because the test set has no column of that name.
 */
record EvalLabels(List<String> heads, List<String> goldColumns, List<String> missing) {

    EvalLabels {
        heads = List.copyOf(heads);
        goldColumns = List.copyOf(goldColumns);
        missing = List.copyOf(missing);
    }

    /**
     * The heads of {@code bundle} (labels, primary first) to score on data: with --label-column, each names a head
     * (gold read from the column of that name; a one-label bundle takes one column of any name, as its gold); without,
     * every label whose column the data's first record has (a one-label bundle falls back to toxic or label).
     */
    static EvalLabels choose(Path bundle, List<String> labels, List<String> requested, Corpus data) {
        if (!requested.isEmpty()) {
            Set<String> wanted = new LinkedHashSet<>(requested);
            if (labels.size() == 1 && wanted.size() == 1) {
                return new EvalLabels(labels, List.copyOf(wanted), List.of());
            }
            for (String column : wanted) {
                if (!labels.contains(column)) {
                    throw new IllegalArgumentException("--label-column " + column + ": " + bundle.getFileName()
                            + " has no head " + column + "; its heads are " + String.join(", ", labels));
                }
            }
            return new EvalLabels(List.copyOf(wanted), List.copyOf(wanted), List.of());
        }
        Set<String> columns;
        try (RecordStream records = data.read()) {
            columns = records.hasNext() ? records.next().fields().keySet() : Set.of();
        }
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String label : labels) {
            (columns.contains(label) ? present : missing).add(label);
        }
        if (present.isEmpty()) {
            if (labels.size() == 1) {
                return new EvalLabels(labels, List.of(), List.of());
            }
            throw new IllegalArgumentException(data.files().get(0).display() + ": no gold column for any label of "
                    + bundle.getFileName() + " (" + String.join(", ", labels) + "); pass --label-column");
        }
        return new EvalLabels(present, present, missing);
    }
}
