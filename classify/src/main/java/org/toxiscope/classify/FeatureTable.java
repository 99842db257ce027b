package org.toxiscope.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;

/**
 * The pooled SAE activations of N examples at a fixed set of layers, with their ids, languages and binary labels;
 * one compressed sparse row block (primitive arrays) per layer, so millions of rows stay compact.
 */
public final class FeatureTable {

    /** Feature indices must stay below this (the widest Qwen-Scope SAE has 131,072 features). */
    public static final int MAX_FEATURES = 1 << 24;
    /** The language key {@link #counts} gives rows without a language. */
    public static final String UNKNOWN_LANGUAGE = "unknown";

    /** Label value of a row whose label column is missing or unlabelled. */
    static final byte UNKNOWN = -1;

    private final int[] layers;
    private final List<String> labelNames;
    private final String[] ids;
    private final String[] langs;
    private final byte[][] labels;
    private final int[][] rowStart;
    private final int[][] indices;
    private final float[][] values;
    private final int[][] positions;

    private FeatureTable(int[] layers, List<String> labelNames, String[] ids, String[] langs, byte[][] labels,
                         int[][] rowStart, int[][] indices, float[][] values, int[][] positions) {
        this.layers = layers;
        this.labelNames = labelNames;
        this.ids = ids;
        this.langs = langs;
        this.labels = labels;
        this.rowStart = rowStart;
        this.indices = indices;
        this.values = values;
        this.positions = positions;
    }

    /** A builder for a table over {@code layers} (block indices) with the given label columns (possibly none). */
    public static Builder builder(int[] layers, List<String> labelNames) {
        return new Builder(layers, labelNames);
    }

    /** A one-row table, for classifying a single example. */
    public static FeatureTable single(int[] layers, String id, String lang, SparseVector... byLayer) {
        return builder(layers, List.of()).add(id, lang, Map.of(), byLayer).build();
    }

    public int size() {
        return ids.length;
    }

    /** The layers held, in storage order. */
    public int[] layers() {
        return layers.clone();
    }

    public List<String> labelNames() {
        return labelNames;
    }

    /** The position of label column {@code name}, or an error naming the columns there are. */
    public int labelIndex(String name) {
        int at = labelNames.indexOf(name);
        if (at < 0) {
            throw new IllegalArgumentException("no label column '" + name + "'; the table has " + labelNames);
        }
        return at;
    }

    public String id(int row) {
        return ids[row];
    }

    /** The row's language, or null when unknown. */
    public String lang(int row) {
        return langs[row];
    }

    public boolean labelled(int label, int row) {
        return labels[label][row] != UNKNOWN;
    }

    /** The row's value of label column {@code label}; an error when that row is unlabelled. */
    public boolean label(int label, int row) {
        byte v = labels[label][row];
        if (v == UNKNOWN) {
            throw new IllegalStateException("example " + ids[row] + " has no value for label '"
                    + labelNames.get(label) + "'");
        }
        return v == 1;
    }

    /** A copy of the pooled vector of {@code row} at {@code layer}. */
    public SparseVector vector(int layer, int row) {
        int s = slot(layer);
        int from = rowStart[s][row];
        int to = rowStart[s][row + 1];
        return new SparseVector(Arrays.copyOfRange(indices[s], from, to), Arrays.copyOfRange(values[s], from, to),
                Arrays.copyOfRange(positions[s], from, to));
    }

    /** The table restricted to {@code rows}, in that order. */
    public FeatureTable subset(int[] rows) {
        Builder b = new Builder(layers, labelNames);
        for (int row : rows) {
            b.ids.add(ids[row]);
            b.langs.add(langs[row]);
            for (int j = 0; j < labels.length; j++) {
                b.labelColumns[j].add(labels[j][row]);
            }
            for (int s = 0; s < layers.length; s++) {
                int from = rowStart[s][row];
                int to = rowStart[s][row + 1];
                b.layerBlocks[s].append(indices[s], values[s], positions[s], from, to);
            }
        }
        return b.build();
    }

    /**
     * Counts of labelled rows per language ({@link #UNKNOWN_LANGUAGE} for none) and label value, e.g.
     * {@code {en={toxic=2000, clean=2000}}}.
     */
    public Map<String, Map<String, Integer>> counts(int label) {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (int row = 0; row < size(); row++) {
            if (labelled(label, row)) {
                String lang = langs[row] == null ? UNKNOWN_LANGUAGE : langs[row];
                out.computeIfAbsent(lang, l -> new TreeMap<>()).merge(label(label, row) ? "toxic" : "clean", 1,
                        Integer::sum);
            }
        }
        return out;
    }

    int slot(int layer) {
        for (int s = 0; s < layers.length; s++) {
            if (layers[s] == layer) {
                return s;
            }
        }
        throw new IllegalArgumentException("layer " + layer + " is not in the feature table (layers "
                + Arrays.toString(layers) + ")");
    }

    /** Row offsets into {@link #indices(int)} for {@code layer}: row r spans [start[r], start[r+1]). */
    int[] rowStart(int layer) {
        return rowStart[slot(layer)];
    }

    int[] indices(int layer) {
        return indices[slot(layer)];
    }

    float[] values(int layer) {
        return values[slot(layer)];
    }

    /** Token positions parallel to {@link #values(int)}, -1 where unknown. */
    int[] positions(int layer) {
        return positions[slot(layer)];
    }

    /** Accumulates rows; not thread-safe. */
    public static final class Builder {
        private final int[] layers;
        private final List<String> labelNames;
        private final Strings ids = new Strings();
        private final Strings langs = new Strings();
        private final Bytes[] labelColumns;
        private final Block[] layerBlocks;

        private Builder(int[] layers, List<String> labelNames) {
            if (layers.length == 0) {
                throw new IllegalArgumentException("a feature table needs at least one layer");
            }
            if (Arrays.stream(layers).distinct().count() != layers.length) {
                throw new IllegalArgumentException("duplicate layers in " + Arrays.toString(layers));
            }
            this.layers = layers.clone();
            this.labelNames = List.copyOf(labelNames);
            this.labelColumns = new Bytes[labelNames.size()];
            for (int j = 0; j < labelColumns.length; j++) {
                labelColumns[j] = new Bytes();
            }
            this.layerBlocks = new Block[layers.length];
            for (int s = 0; s < layers.length; s++) {
                layerBlocks[s] = new Block();
            }
        }

        /** Adds a row: labels by column name (absent or null = unlabelled), one pooled vector per layer in layer order. */
        public Builder add(String id, String lang, Map<String, Boolean> labels, SparseVector... byLayer) {
            if (byLayer.length != layers.length) {
                throw new IllegalArgumentException("example " + id + ": " + byLayer.length + " pooled vectors for "
                        + layers.length + " layers");
            }
            ids.add(id);
            langs.add(lang);
            for (int j = 0; j < labelColumns.length; j++) {
                Boolean v = labels.get(labelNames.get(j));
                labelColumns[j].add(v == null ? UNKNOWN : (byte) (v ? 1 : 0));
            }
            for (int s = 0; s < layers.length; s++) {
                SparseVector v = byLayer[s];
                if (v.size() > 0 && v.indices()[v.size() - 1] >= MAX_FEATURES) {
                    throw new IllegalArgumentException("example " + id + ": feature index " + v.indices()[v.size() - 1]
                            + " at layer " + layers[s] + " exceeds " + MAX_FEATURES);
                }
                layerBlocks[s].append(v.indices(), v.values(), v.positions(), 0, v.size());
            }
            return this;
        }

        /** Adds a dataset record with its pooled vectors, one per layer in layer order. */
        public Builder add(TextRecord record, SparseVector... byLayer) {
            return add(record.id(), record.lang(), record.labels(), byLayer);
        }

        public FeatureTable build() {
            int n = ids.size;
            byte[][] labels = new byte[labelColumns.length][];
            for (int j = 0; j < labels.length; j++) {
                labels[j] = Arrays.copyOf(labelColumns[j].data, n);
            }
            int k = layers.length;
            int[][] starts = new int[k][];
            int[][] idx = new int[k][];
            float[][] vals = new float[k][];
            int[][] pos = new int[k][];
            for (int s = 0; s < k; s++) {
                Block b = layerBlocks[s];
                starts[s] = Arrays.copyOf(b.rowStart, n + 1);
                idx[s] = Arrays.copyOf(b.indices, b.nnz);
                vals[s] = Arrays.copyOf(b.values, b.nnz);
                pos[s] = Arrays.copyOf(b.positions, b.nnz);
            }
            return new FeatureTable(layers.clone(), labelNames, Arrays.copyOf(ids.data, n), Arrays.copyOf(langs.data, n),
                    labels, starts, idx, vals, pos);
        }
    }

    /** One layer's growing CSR block. */
    private static final class Block {
        /** The largest Java array a JVM reliably allocates. */
        static final int MAX_ENTRIES = Integer.MAX_VALUE - 8;

        int[] rowStart = new int[16];
        int rows;
        int[] indices = new int[64];
        float[] values = new float[64];
        int[] positions = new int[64];
        int nnz;

        void append(int[] idx, float[] vals, int[] pos, int from, int to) {
            int len = to - from;
            if ((long) nnz + len > MAX_ENTRIES) {
                throw new IllegalStateException("a feature table holds at most " + MAX_ENTRIES + " entries per layer; "
                        + "use fewer rows or layers, or count discovery with FiringCounts");
            }
            if (nnz + len > indices.length) {
                int cap = (int) Math.min(MAX_ENTRIES, Math.max(2L * indices.length, nnz + len));
                indices = Arrays.copyOf(indices, cap);
                values = Arrays.copyOf(values, cap);
                positions = Arrays.copyOf(positions, cap);
            }
            System.arraycopy(idx, from, indices, nnz, len);
            System.arraycopy(vals, from, values, nnz, len);
            if (pos != null) {
                System.arraycopy(pos, from, positions, nnz, len);
            } else {
                Arrays.fill(positions, nnz, nnz + len, -1);
            }
            nnz += len;
            rows++;
            if (rows + 1 > rowStart.length) {
                rowStart = Arrays.copyOf(rowStart, rowStart.length * 2);
            }
            rowStart[rows] = nnz;
        }
    }

    private static final class Strings {
        String[] data = new String[16];
        int size;

        void add(String s) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = s;
        }
    }

    private static final class Bytes {
        byte[] data = new byte[16];
        int size;

        void add(byte b) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = b;
        }
    }

}
