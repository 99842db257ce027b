package org.toxiscope.synthesize;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.features.SparseVector;

/**
 * Which examples of a corpus fire each target, {@code h[i,f] = 1[max_t a[i,t,f] > 0]} read from max-pooled SAE
 * vectors: per target the ascending indices of the examples that fire it, in primitive arrays.
 */
public final class FiringSets implements CorpusPass.Sink {

    private final List<Target> targets;
    private final int[][] hits;
    private final int[] counts;
    private int size;

    public FiringSets(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.hits = new int[targets.size()][4];
        this.counts = new int[targets.size()];
    }

    /** Hand-made firing sets: {@code examples.get(t)} lists the examples (in 0..size-1) that fire target t. */
    public static FiringSets of(List<Target> targets, List<int[]> examples, int size) {
        if (examples.size() != targets.size()) {
            throw new IllegalArgumentException(examples.size() + " firing sets for " + targets.size() + " targets");
        }
        FiringSets sets = new FiringSets(targets);
        for (int t = 0; t < targets.size(); t++) {
            int[] e = examples.get(t).clone();
            Arrays.sort(e);
            for (int i = 0; i < e.length; i++) {
                if (e[i] < 0 || e[i] >= size || (i > 0 && e[i] == e[i - 1])) {
                    throw new IllegalArgumentException("target " + t + ": example " + e[i] + " repeated or outside 0.."
                            + (size - 1));
                }
            }
            sets.hits[t] = e;
            sets.counts[t] = e.length;
        }
        sets.size = size;
        return sets;
    }

    /** The layers the targets live at: the pooled vectors {@link #add} needs. */
    public TreeSet<Integer> layers() {
        TreeSet<Integer> layers = new TreeSet<>();
        targets.forEach(t -> layers.add(t.layer()));
        return layers;
    }

    /** Records every example of a chunk, in order. */
    @Override
    public void accept(CorpusPass.Chunk chunk) {
        chunk.pooled().forEach(this::add);
    }

    /** Records the next example from its max-pooled vector per layer (a missing layer counts as nothing firing). */
    public void add(Map<Integer, SparseVector> pooled) {
        for (int t = 0; t < targets.size(); t++) {
            SparseVector v = pooled.get(targets.get(t).layer());
            if (v != null && v.get(targets.get(t).feature()) > 0) {
                if (counts[t] == hits[t].length) {
                    hits[t] = Arrays.copyOf(hits[t], hits[t].length * 2);
                }
                hits[t][counts[t]++] = size;
            }
        }
        size++;
    }

    public List<Target> targets() {
        return targets;
    }

    /** Examples seen. */
    public int size() {
        return size;
    }

    /** How many examples fire target {@code t}. */
    public int support(int t) {
        return counts[t];
    }

    /** The examples firing target {@code t}, ascending. */
    public int[] examples(int t) {
        return Arrays.copyOf(hits[t], counts[t]);
    }
}
