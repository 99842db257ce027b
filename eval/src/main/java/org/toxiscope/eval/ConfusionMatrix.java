package org.toxiscope.eval;

/** Counts of a binary decision against gold, toxic being the positive class. */
public record ConfusionMatrix(long tp, long fp, long tn, long fn) {

    public long total() {
        return tp + fp + tn + fn;
    }
}
