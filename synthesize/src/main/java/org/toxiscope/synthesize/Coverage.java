package org.toxiscope.synthesize;

import java.util.ArrayList;
import java.util.List;

/**
 * Coverage of a target inventory T by a corpus D: {@code c[f](D) = 1[exists i in D: h[i,f] = 1]}; covered targets,
 * missing ones {@code T_miss = {f in T : c[f](D) = 0}}, weakly covered ones (firing rate above 0 but below
 * {@code weakBelow}), and {@code Cov(D) = |covered| / |T|}. Lists hold indices into the targets.
 */
public record Coverage(int examples, int targets, List<Integer> covered, List<Integer> missing, List<Integer> weak,
                       double cov) {

    public static Coverage of(FiringSets sets, double weakBelow) {
        List<Integer> covered = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        List<Integer> weak = new ArrayList<>();
        int n = sets.targets().size();
        for (int t = 0; t < n; t++) {
            int support = sets.support(t);
            if (support == 0) {
                missing.add(t);
                continue;
            }
            covered.add(t);
            if ((double) support / sets.size() < weakBelow) {
                weak.add(t);
            }
        }
        return new Coverage(sets.size(), n, List.copyOf(covered), List.copyOf(missing), List.copyOf(weak),
                n == 0 ? 0 : (double) covered.size() / n);
    }

    /** The targets to synthesize for: the missing ones, then the weakly covered ones. */
    public List<Target> toSynthesize(List<Target> inventory) {
        List<Target> out = new ArrayList<>();
        missing.forEach(t -> out.add(inventory.get(t)));
        weak.forEach(t -> out.add(inventory.get(t)));
        return out;
    }
}
