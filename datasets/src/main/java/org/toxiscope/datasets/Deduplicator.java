package org.toxiscope.datasets;

/** Recognises texts already seen in this pass by their normalised-text hash ({@link TextHash}); counts the repeats. */
public final class Deduplicator {

    private final LongHashSet seen = new LongHashSet();
    private long duplicates;

    /** True the first time a normalised text comes by, false (and counted) for every repeat. */
    public boolean firstSeen(String text) {
        if (seen.add(TextHash.of(text))) {
            return true;
        }
        duplicates++;
        return false;
    }

    public long duplicates() {
        return duplicates;
    }
}
