package org.toxiscope.classify;

/** Merge-joins one row's stored entries at a layer with an ascending array of wanted feature indices. */
final class RowJoin {

    /** Called for each wanted feature the row stores: its position in the wanted array and its entry in the table arrays. */
    @FunctionalInterface
    interface Visitor {
        void visit(int wanted, int entry);
    }

    private RowJoin() {
    }

    static void join(FeatureTable table, int layer, int row, int[] wanted, Visitor visitor) {
        int[] start = table.rowStart(layer);
        int[] idx = table.indices(layer);
        int j = start[row];
        int end = start[row + 1];
        int w = 0;
        while (j < end && w < wanted.length) {
            if (idx[j] < wanted[w]) {
                j++;
            } else if (idx[j] > wanted[w]) {
                w++;
            } else {
                visitor.visit(w++, j++);
            }
        }
    }
}
