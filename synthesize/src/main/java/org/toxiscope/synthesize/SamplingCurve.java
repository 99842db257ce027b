package org.toxiscope.synthesize;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Natural sampling: {@code Cov} of the first b examples of a seeded random order of a corpus, for each budget b and
 * seed ({@code cov[s][j]} for seed s and budget j). Budgets beyond the corpus size are capped at it.
 */
public record SamplingCurve(int[] budgets, long[] seeds, double[][] cov) {

    public static SamplingCurve of(FiringSets sets, int[] budgets, long[] seeds) {
        int n = sets.size();
        int targets = sets.targets().size();
        double[][] cov = new double[seeds.length][budgets.length];
        for (int s = 0; s < seeds.length; s++) {
            int[] rank = randomRanks(n, seeds[s]);
            // A target is covered by the first b examples exactly when its earliest firing example ranks below b.
            int[] first = new int[targets];
            for (int t = 0; t < targets; t++) {
                int best = Integer.MAX_VALUE;
                for (int e : sets.examples(t)) {
                    best = Math.min(best, rank[e]);
                }
                first[t] = best;
            }
            Arrays.sort(first);
            for (int j = 0; j < budgets.length; j++) {
                int b = Math.min(budgets[j], n);
                int covered = lowerBound(first, b);
                cov[s][j] = targets == 0 ? 0 : (double) covered / targets;
            }
        }
        return new SamplingCurve(budgets.clone(), seeds.clone(), cov);
    }

    /** 1, 2, 5, 10, 20, 50, ... below {@code n}, then {@code n} and any {@code extra} budgets, ascending. */
    public static int[] defaultBudgets(int n, int... extra) {
        TreeSet<Integer> b = new TreeSet<>();
        for (long base = 1; base < n; base *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                if (base * m < n) {
                    b.add((int) (base * m));
                }
            }
        }
        b.add(Math.max(n, 1));
        for (int e : extra) {
            if (e > 0) {
                b.add(Math.min(e, Math.max(n, 1)));
            }
        }
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Seeds {@code seed, seed+1, ...}: {@code count} of them. */
    public static long[] seeds(long seed, int count) {
        long[] s = new long[count];
        Arrays.setAll(s, i -> seed + i);
        return s;
    }

    /** Mean Cov over seeds at each budget. */
    public double[] mean() {
        double[] m = new double[budgets.length];
        for (double[] row : cov) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j] / cov.length;
            }
        }
        return m;
    }

    /** Smallest and largest Cov over seeds at each budget: {@code [0]} min, {@code [1]} max. */
    public double[][] range() {
        double[][] r = new double[2][budgets.length];
        Arrays.fill(r[0], Double.POSITIVE_INFINITY);
        Arrays.fill(r[1], Double.NEGATIVE_INFINITY);
        for (double[] row : cov) {
            for (int j = 0; j < budgets.length; j++) {
                r[0][j] = Math.min(r[0][j], row[j]);
                r[1][j] = Math.max(r[1][j], row[j]);
            }
        }
        return r;
    }

    /** Mean Cov over seeds at {@code budget}, which must be one of the budgets. */
    public double meanAt(int budget) {
        for (int j = 0; j < budgets.length; j++) {
            if (budgets[j] == budget) {
                return mean()[j];
            }
        }
        throw new IllegalArgumentException("budget " + budget + " is not on the curve " + Arrays.toString(budgets));
    }

    /** Rank of each example in the seeded random order (Fisher-Yates on SplittableRandom). */
    static int[] randomRanks(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] rank = new int[n];
        for (int i = 0; i < n; i++) {
            rank[order[i]] = i;
        }
        return rank;
    }

    private static int lowerBound(int[] sorted, int value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
