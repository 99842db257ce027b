package org.toxiscope.datasets;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic assignment of records to splits within each (language, label) stratum. A first pass ranks every
 * record of a stratum by a seeded hash of its id (8 bytes a record, texts are not kept); each split takes the next
 * ranks of every stratum, as many as its share of the stratum (see {@link #apportion}). The result depends on the seed and the ids only, not on file order. Ids must be unique.
 */
public final class StratifiedSplit {

    private final List<String> names;
    private final long seed;
    private final boolean dedupe;
    private final Map<String, Stratum> strata;
    private final long duplicates;
    private final List<String> columns;
    private final Map<String, ColumnType> types;

    /** Per stratum: the largest rank key each split admits and how many records it takes. */
    private record Stratum(long[] lastKey, long[] quota) {
    }

    private StratifiedSplit(List<String> names, long seed, boolean dedupe, Map<String, Stratum> strata, long duplicates,
                            Ranks ranks) {
        this.names = names;
        this.columns = ranks.columns;
        this.types = ranks.types;
        this.seed = seed;
        this.dedupe = dedupe;
        this.strata = strata;
        this.duplicates = duplicates;
    }

    /**
     * Plans splits of {@code corpus} (one pass); with {@code dedupe}, repeats of a seen text go to no split. The first
     * k splits together take round(N * their fractions) records, shared out over the strata in proportion.
     */
    public static StratifiedSplit plan(Corpus corpus, SplitSpec spec, long seed, boolean dedupe) {
        Ranks ranks = rank(corpus, seed, dedupe);
        long[] sizes = ranks.sizes();
        long[][] cumulative = new long[sizes.length][spec.fractions().size()];
        double sum = 0;
        for (int i = 0; i < spec.fractions().size(); i++) {
            sum += spec.fractions().get(i);
            long[] quotas = apportion(sizes, Math.round(ranks.total() * Math.min(1.0, sum)));
            for (int s = 0; s < sizes.length; s++) {
                cumulative[s][i] = quotas[s];
            }
        }
        return new StratifiedSplit(spec.names(), seed, dedupe, strata(ranks, cumulative), ranks.duplicates, ranks);
    }

    /** Plans a single stratified subset (one pass) of exactly the asked size, shared out over the strata in proportion. */
    public static StratifiedSplit sample(Corpus corpus, Sampling sampling) {
        Ranks ranks = rank(corpus, sampling.seed(), false);
        long want = sampling.count() != null ? Math.min(sampling.count(), ranks.total())
                : Math.round(ranks.total() * sampling.fraction());
        long[] quotas = apportion(ranks.sizes(), want);
        long[][] cumulative = new long[quotas.length][];
        for (int s = 0; s < quotas.length; s++) {
            cumulative[s] = new long[] {quotas[s]};
        }
        return new StratifiedSplit(List.of("sample"), sampling.seed(), false, strata(ranks, cumulative), 0, ranks);
    }

    /**
     * Shares {@code seats} out over strata of the given sizes by Webster's method (a seat at a time to the stratum with
     * the largest size / (2 * seats so far + 1), ties to the earlier one). Unlike largest remainder it is house-monotone:
     * more seats never take one from a stratum, so a larger sample contains the smaller one and split boundaries nest.
     */
    static long[] apportion(long[] sizes, long seats) {
        long[] quotas = new long[sizes.length];
        PriorityQueue<Integer> next = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(sizes[b] / (2.0 * quotas[b] + 1), sizes[a] / (2.0 * quotas[a] + 1));
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int s = 0; s < sizes.length; s++) {
            if (sizes[s] > 0) {
                next.add(s);
            }
        }
        for (long given = 0; given < seats && !next.isEmpty(); given++) {
            int s = next.poll();
            quotas[s]++;
            if (quotas[s] < sizes[s]) {
                next.add(s);
            }
        }
        return quotas;
    }

    private static Map<String, Stratum> strata(Ranks ranks, long[][] cumulative) {
        Map<String, Stratum> strata = new LinkedHashMap<>();
        int s = 0;
        for (Map.Entry<String, long[]> e : ranks.keys.entrySet()) {
            strata.put(e.getKey(), stratum(e.getValue(), cumulative[s++]));
        }
        return strata;
    }

    private static Stratum stratum(long[] sortedKeys, long[] cumulative) {
        long[] lastKey = new long[cumulative.length];
        long[] quota = new long[cumulative.length];
        long previous = 0;
        for (int i = 0; i < cumulative.length; i++) {
            lastKey[i] = cumulative[i] == 0 ? Long.MIN_VALUE : sortedKeys[(int) cumulative[i] - 1];
            quota[i] = cumulative[i] - previous;
            previous = cumulative[i];
        }
        return new Stratum(lastKey, quota);
    }

    /** What the planning pass found: sorted rank keys per stratum, duplicates left out, columns met, their types. */
    private record Ranks(Map<String, long[]> keys, long duplicates, List<String> columns,
                         Map<String, ColumnType> types) {

        long[] sizes() {
            return keys.values().stream().mapToLong(k -> k.length).toArray();
        }

        long total() {
            return keys.values().stream().mapToLong(k -> k.length).sum();
        }
    }

    /** The rank keys of one stratum, growing as the planning pass meets its records. */
    private static final class KeyList {
        long[] keys = new long[16];
        int size;

        void add(long key) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
            }
            keys[size++] = key;
        }
    }

    private static Ranks rank(Corpus corpus, long seed, boolean dedupe) {
        Map<String, KeyList> byStratum = new HashMap<>();
        Deduplicator dedup = new Deduplicator();
        Set<String> columns = new LinkedHashSet<>();
        Map<String, ColumnType> types = new HashMap<>();
        Map<String, ColumnType> lastTypes = null;
        try (RecordStream records = corpus.read()) {
            for (TextRecord r : records) {
                columns.addAll(r.fields().keySet());
                if (r.types() != lastTypes) { // one map per file: merged once per file, not per record
                    lastTypes = r.types();
                    lastTypes.forEach(types::putIfAbsent);
                }
                if (dedupe && !dedup.firstSeen(r.text())) {
                    continue;
                }
                byStratum.computeIfAbsent(stratumOf(r), k -> new KeyList()).add(rankKey(r.id(), seed));
            }
        }
        Map<String, long[]> sorted = new TreeMap<>();
        byStratum.forEach((s, list) -> {
            long[] k = Arrays.copyOf(list.keys, list.size);
            Arrays.sort(k);
            sorted.put(s, k);
        });
        return new Ranks(sorted, dedup.duplicates(), List.copyOf(columns), Map.copyOf(types));
    }

    /** The stratum a record belongs to: {@code lang/toxic}, {@code lang/non_toxic} or {@code lang/unlabelled}. */
    public static String stratumOf(TextRecord r) {
        Boolean toxic = r.toxic();
        return (r.lang() == null ? "unknown" : r.lang()) + "/"
                + (toxic == null ? "unlabelled" : toxic ? "toxic" : "non_toxic");
    }

    private static long rankKey(String id, long seed) {
        return TextHash.mix(TextHash.hash(id) ^ TextHash.mix(seed + 0x9e3779b97f4a7c15L));
    }

    public List<String> names() {
        return names;
    }

    public long seed() {
        return seed;
    }

    /** Every column the planning pass met, in first-seen order (files of one corpus may differ). */
    public List<String> columns() {
        return columns;
    }

    /** The types the input declares for those columns (Parquet's schema; the first file's where files differ). */
    public Map<String, ColumnType> types() {
        return types;
    }

    /** Duplicates the planning pass left out (0 without dedupe). */
    public long duplicates() {
        return duplicates;
    }

    /** Records each split takes per stratum, in split order. */
    public Map<String, List<Long>> quotas() {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        strata.forEach((s, st) -> out.put(s, Arrays.stream(st.quota).boxed().toList()));
        return Collections.unmodifiableMap(out);
    }

    /** A fresh assigner for one pass over the same corpus. */
    public Assigner assigner() {
        return new Assigner();
    }

    /** Assigns the records of one pass, in order, to splits; keeps the dedupe state and per-split counts of that pass. */
    public final class Assigner {

        private final Deduplicator dedup = new Deduplicator();
        private final Map<String, long[]> taken = new LinkedHashMap<>();

        private Assigner() {
        }

        /** The split index for {@code r}, or -1 when it belongs to none (a duplicate, or outside every split). */
        public int assign(TextRecord r) {
            if (dedupe && !dedup.firstSeen(r.text())) {
                return -1;
            }
            String s = stratumOf(r);
            Stratum stratum = strata.get(s);
            if (stratum == null) {
                return -1;
            }
            long key = rankKey(r.id(), seed);
            long[] counts = taken.computeIfAbsent(s, k -> new long[stratum.quota.length]);
            for (int i = 0; i < stratum.quota.length; i++) {
                if (stratum.quota[i] > 0 && key <= stratum.lastKey[i]) {
                    if (counts[i] >= stratum.quota[i]) {
                        // Repeated ids share a rank key: those past a full split's boundary go on to the next one.
                        continue;
                    }
                    counts[i]++;
                    return i;
                }
            }
            return -1;
        }

        /** Duplicates this pass has left out so far. */
        public long duplicates() {
            return dedup.duplicates();
        }
    }
}
