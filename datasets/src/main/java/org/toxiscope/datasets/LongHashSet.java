package org.toxiscope.datasets;

/** An open-addressing set of longs in one primitive array (8 bytes a slot, no boxing), for tens of millions of hashes. */
final class LongHashSet {

    private static final long EMPTY = 0;

    private long[] slots = new long[1 << 10];
    private boolean hasZero;
    private int size;

    /** Adds {@code value}; true when it was not there yet. */
    boolean add(long value) {
        if (value == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if ((size + 1) * 4L > slots.length * 3L) {
            grow();
        }
        if (insert(slots, value)) {
            size++;
            return true;
        }
        return false;
    }

    private static boolean insert(long[] table, long value) {
        int mask = table.length - 1;
        int i = (int) TextHash.mix(value) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = value;
        return true;
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long v : slots) {
            if (v != EMPTY) {
                insert(bigger, v);
            }
        }
        slots = bigger;
    }

    int size() {
        return size + (hasZero ? 1 : 0);
    }
}
