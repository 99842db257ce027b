package org.toxiscope.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic assignment of records to splits within each (language, label) stratum. A first pass ranks every
 * record of a stratum by a seeded hash of its id (8 bytes a record, texts are not kept); split i takes the next
 * round(n * fraction_i) ranks. The result depends on the seed and the ids only, not on file order. Ids must be unique.
 */
public final class StratifiedSplit {

    private final List<String> names;
    private final long seed;
    private final boolean dedupe;
    private final Map<String, Stratum> strata;
    private final long duplicates;
    private final List<String> columns;

    /** Per stratum: the largest rank key each split admits and how many records it takes. */
    private record Stratum(long[] lastKey, long[] quota) {
    }

    private StratifiedSplit(List<String> names, long seed, boolean dedupe, Map<String, Stratum> strata, long duplicates,
                            List<String> columns) {
        this.names = names;
        this.columns = columns;
        this.seed = seed;
        this.dedupe = dedupe;
        this.strata = strata;
        this.duplicates = duplicates;
    }

    /** Plans splits of {@code corpus} (one pass); with {@code dedupe}, repeats of a seen text go to no split. */
    public static StratifiedSplit plan(Corpus corpus, SplitSpec spec, long seed, boolean dedupe) {
        Ranks ranks = rank(corpus, seed, dedupe);
        Map<String, Stratum> strata = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : ranks.keys.entrySet()) {
            long n = e.getValue().length;
            long[] cumulative = new long[spec.fractions().size()];
            double sum = 0;
            for (int i = 0; i < cumulative.length; i++) {
                sum += spec.fractions().get(i);
                cumulative[i] = Math.min(n, Math.round(n * Math.min(1.0, sum)));
            }
            strata.put(e.getKey(), stratum(e.getValue(), cumulative));
        }
        return new StratifiedSplit(spec.names(), seed, dedupe, strata, ranks.duplicates, ranks.columns);
    }

    /** Plans a single stratified subset (one pass); an exact count is shared out by largest remainder. */
    public static StratifiedSplit sample(Corpus corpus, Sampling sampling) {
        Ranks ranks = rank(corpus, sampling.seed(), false);
        long total = ranks.keys.values().stream().mapToLong(k -> k.length).sum();
        Map<String, Long> quotas = new LinkedHashMap<>();
        if (sampling.fraction() != null) {
            ranks.keys.forEach((s, k) -> quotas.put(s, Math.round(k.length * sampling.fraction())));
        } else {
            long want = Math.min(sampling.count(), total);
            long given = 0;
            List<Map.Entry<String, Double>> remainders = new ArrayList<>();
            for (Map.Entry<String, long[]> e : ranks.keys.entrySet()) {
                double exact = total == 0 ? 0 : (double) e.getValue().length * want / total;
                long floor = (long) Math.floor(exact);
                quotas.put(e.getKey(), floor);
                given += floor;
                remainders.add(Map.entry(e.getKey(), exact - floor));
            }
            remainders.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            for (int i = 0; given < want; i++, given++) {
                quotas.merge(remainders.get(i).getKey(), 1L, Long::sum);
            }
        }
        Map<String, Stratum> strata = new LinkedHashMap<>();
        ranks.keys.forEach((s, k) -> strata.put(s, stratum(k, new long[] {quotas.get(s)})));
        return new StratifiedSplit(List.of("sample"), sampling.seed(), false, strata, 0, ranks.columns);
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

    /** What the planning pass found: sorted rank keys per stratum, duplicates left out, columns met. */
    private record Ranks(Map<String, long[]> keys, long duplicates, List<String> columns) {
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
        try (RecordStream records = corpus.read()) {
            for (TextRecord r : records) {
                columns.addAll(r.fields().keySet());
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
        return new Ranks(sorted, dedup.duplicates(), List.copyOf(columns));
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
                        return -1;
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
