package org.toxiscope.classify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.toxiscope.datasets.TextRecord;

/**
 * Deterministic samples of labelled rows stratified by (language, label): each row gets a key hashed from the seed
 * and its id, and a stratum keeps the rows with the smallest keys. The result depends on seed and ids only, not on
 * row order, and for one seed a smaller fraction's sample is contained in a larger one's.
 */
public final class StratifiedSample {

    /** Rows of a table split into a fitting part and a held-out part. */
    public record Split(int[] fit, int[] holdout) {
    }

    /** What sampling needs to know of row i: its id, language and label (null when unlabelled). */
    private interface Rows {
        String id(int i);

        String lang(int i);

        Boolean label(int i);
    }

    private StratifiedSample() {
    }

    /** About {@code fraction} of each (language, label) stratum of {@code rows}; unlabelled rows are dropped. */
    public static int[] sample(FeatureTable table, int label, int[] rows, double fraction, long seed) {
        return partition(of(table, label), rows, fraction, seed)[0];
    }

    /**
     * The indices of about {@code fraction} of each (language, label) stratum of {@code records}, by label column
     * {@code label}; the same rows {@link #sample(FeatureTable, int, int[], double, long)} picks from a table of
     * these records. For choosing the discovery rows before any features are extracted.
     */
    public static int[] sample(List<TextRecord> records, String label, double fraction, long seed) {
        int[] all = new int[records.size()];
        Arrays.setAll(all, i -> i);
        Rows rows = new Rows() {
            @Override
            public String id(int i) {
                return records.get(i).id();
            }

            @Override
            public String lang(int i) {
                return records.get(i).lang();
            }

            @Override
            public Boolean label(int i) {
                return records.get(i).labels().get(label);
            }
        };
        return partition(rows, all, fraction, seed)[0];
    }

    /** All labelled rows of {@code table}, about {@code holdoutFraction} of each stratum held out. */
    public static Split split(FeatureTable table, int label, double holdoutFraction, long seed) {
        int[] all = new int[table.size()];
        Arrays.setAll(all, i -> i);
        int[][] parts = partition(of(table, label), all, holdoutFraction, ~seed);
        return new Split(parts[1], parts[0]);
    }

    /** [chosen, rest], each ascending; per stratum round(fraction * size) rows chosen, at least one when fraction > 0. */
    private static Rows of(FeatureTable table, int label) {
        return new Rows() {
            @Override
            public String id(int i) {
                return table.id(i);
            }

            @Override
            public String lang(int i) {
                return table.lang(i);
            }

            @Override
            public Boolean label(int i) {
                return table.labelled(label, i) ? table.label(label, i) : null;
            }
        };
    }

    private static int[][] partition(Rows table, int[] rows, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must lie in [0, 1], got " + fraction);
        }
        Map<String, List<long[]>> strata = new TreeMap<>();
        for (int row : rows) {
            Boolean y = table.label(row);
            if (y != null) {
                String stratum = table.lang(row) + '\u0000' + y;
                strata.computeIfAbsent(stratum, s -> new ArrayList<>()).add(new long[] {key(seed, table.id(row)), row});
            }
        }
        int[] chosen = new int[rows.length];
        int[] rest = new int[rows.length];
        int nc = 0;
        int nr = 0;
        for (List<long[]> members : strata.values()) {
            members.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int take = fraction == 0 ? 0 : (int) Math.max(1, Math.round(fraction * members.size()));
            for (int i = 0; i < members.size(); i++) {
                if (i < take) {
                    chosen[nc++] = (int) members.get(i)[1];
                } else {
                    rest[nr++] = (int) members.get(i)[1];
                }
            }
        }
        int[] c = Arrays.copyOf(chosen, nc);
        int[] r = Arrays.copyOf(rest, nr);
        Arrays.sort(c);
        Arrays.sort(r);
        return new int[][] {c, r};
    }

    private static long key(long seed, String id) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        // splitmix64 finaliser: FNV alone orders similar ids too regularly
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
