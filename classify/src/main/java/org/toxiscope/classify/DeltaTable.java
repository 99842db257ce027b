package org.toxiscope.classify;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.common.Snippet;
import org.toxiscope.datasets.StrictUtf8Reader;

/**
 * Per-layer toxic bias of the SAE features that fire on at least one discovery example, each layer's features
 * ranked by delta descending, ties broken by lower feature index. Features that never fire have delta 0 and are
 * left out.
 */
public final class DeltaTable {

    /**
     * One layer's ranked features: {@code features[r]} has rank r + 1, with its firing rate among toxic and among
     * clean examples and {@code delta = toxicRate - cleanRate}; the example counts are -1 when unknown (a table read
     * back from CSV, which does not carry them).
     */
    public record LayerDeltas(int layer, int toxicCount, int cleanCount, int[] features, float[] toxicRate,
                              float[] cleanRate, float[] delta) {

        public int size() {
            return features.length;
        }

        /** The paper's layer score {@code max_f delta[f]}; 0 when nothing fires. */
        public double top1Diff() {
            return features.length == 0 ? 0 : delta[0];
        }

        /** The {@code k} best features (fewer when fewer fire), best first. */
        public int[] top(int k) {
            return Arrays.copyOf(features, Math.min(Math.max(k, 0), features.length));
        }
    }

    private final Map<Integer, LayerDeltas> byLayer = new LinkedHashMap<>();

    DeltaTable(List<LayerDeltas> layers) {
        for (LayerDeltas l : layers) {
            byLayer.put(l.layer(), l);
        }
    }

    /** The layers, in feature-table order. */
    public List<Integer> layers() {
        return List.copyOf(byLayer.keySet());
    }

    public LayerDeltas layer(int layer) {
        LayerDeltas l = byLayer.get(layer);
        if (l == null) {
            throw new IllegalArgumentException("layer " + layer + " is not in the delta table (layers " + layers() + ")");
        }
        return l;
    }

    public double top1Diff(int layer) {
        return layer(layer).top1Diff();
    }

    /** Layers by top1-diff, highest first; ties go to the lower layer. */
    public List<Integer> layersByTop1Diff() {
        List<Integer> out = new ArrayList<>(byLayer.keySet());
        out.sort(Comparator.comparingDouble((Integer l) -> -top1Diff(l)).thenComparingInt(l -> l));
        return out;
    }

    /** The layer chosen without evaluation: the largest top1-diff. */
    public int bestLayer() {
        return layersByTop1Diff().get(0);
    }

    private static final String CSV_HEADER = "layer,feature,toxic_rate,clean_rate,delta,rank";

    /**
     * The table {@link #writeCsv} or {@link #writeJson} wrote to {@code file}, told apart by its first character ('{'
     * for JSON); each layer's features are ranked again by delta, so a filtered or hand-edited file reads too. A bad
     * file fails with one line naming it and the line (CSV) or JSON path, quoting at most {@link Snippet#MAX}
     * characters of it.
     */
    public static DeltaTable read(Path file) throws IOException {
        Map<Integer, Layer> layers = new LinkedHashMap<>();
        if (startsWithBrace(file)) {
            readJson(file, layers);
        } else {
            readCsv(file, layers);
        }
        List<LayerDeltas> out = new ArrayList<>();
        layers.values().forEach(l -> out.add(l.ranked()));
        return new DeltaTable(out);
    }

    /** One feature's figures as read. */
    private record Row(int feature, float toxicRate, float cleanRate, float delta) {
    }

    /** A layer's rows as read, in file order. */
    private static final class Layer {
        final int layer;
        final int toxicCount;
        final int cleanCount;
        final List<Row> rows = new ArrayList<>();

        Layer(int layer, int toxicCount, int cleanCount) {
            this.layer = layer;
            this.toxicCount = toxicCount;
            this.cleanCount = cleanCount;
        }

        void add(String where, Row row, Set<Integer> seen) {
            if (row.feature() < 0) {
                throw new IllegalArgumentException(where + "feature " + row.feature() + " is negative");
            }
            if (!seen.add(row.feature())) {
                throw new IllegalArgumentException(where + "feature " + row.feature() + " of layer " + layer
                        + " is listed twice");
            }
            rows.add(row);
        }

        LayerDeltas ranked() {
            Integer[] order = new Integer[rows.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -rows.get(i).delta())
                    .thenComparingInt(i -> rows.get(i).feature()));
            int n = order.length;
            int[] features = new int[n];
            float[] toxicRate = new float[n];
            float[] cleanRate = new float[n];
            float[] delta = new float[n];
            for (int r = 0; r < n; r++) {
                Row row = rows.get(order[r]);
                features[r] = row.feature();
                toxicRate[r] = row.toxicRate();
                cleanRate[r] = row.cleanRate();
                delta[r] = row.delta();
            }
            return new LayerDeltas(layer, toxicCount, cleanCount, features, toxicRate, cleanRate, delta);
        }
    }

    private static boolean startsWithBrace(Path file) throws IOException {
        try (Reader in = new StrictUtf8Reader(Files.newInputStream(file))) {
            for (int c; (c = in.read()) >= 0; ) {
                if (!Character.isWhitespace(c)) {
                    return c == '{';
                }
            }
        }
        return false;
    }

    private static void readCsv(Path file, Map<Integer, Layer> layers) throws IOException {
        Map<Integer, Set<Integer>> seen = new HashMap<>();
        boolean[] headed = {false};
        StrictUtf8Reader.forEachLine(file, (lineNo, line) -> {
            if (lineNo == 1) {
                if (!line.trim().equals(CSV_HEADER)) {
                    throw new IllegalArgumentException(file + ":1: expected the discover header " + CSV_HEADER
                            + " (or discover's JSON), found '" + Snippet.of(line) + "'");
                }
                headed[0] = true;
                return;
            }
            if (line.isBlank()) {
                return;
            }
            String where = file + ":" + lineNo + ": ";
            String[] f = line.split(",", -1);
            if (f.length != 6) {
                throw new IllegalArgumentException(where + "expected 6 fields, found " + f.length + " in '"
                        + Snippet.of(line) + "'");
            }
            int layer = csvInt(where, "layer", f[0]);
            csvInt(where, "rank", f[5]);
            layers.computeIfAbsent(layer, l -> new Layer(l, -1, -1)).add(where, new Row(csvInt(where, "feature", f[1]),
                    csvFloat(where, "toxic_rate", f[2]), csvFloat(where, "clean_rate", f[3]),
                    csvFloat(where, "delta", f[4])), seen.computeIfAbsent(layer, l -> new HashSet<>()));
        });
        if (!headed[0]) {
            throw new IllegalArgumentException(file + ": empty; expected the discover header " + CSV_HEADER
                    + " (or discover's JSON)");
        }
    }

    private static int csvInt(String where, String field, String text) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + field + " '" + Snippet.of(text)
                    + "' is not a whole number >= 0");
        }
    }

    private static float csvFloat(String where, String field, String text) {
        try {
            float v = Float.parseFloat(text.trim());
            if (Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error naming the value
        }
        throw new IllegalArgumentException(where + field + " '" + Snippet.of(text) + "' is not a finite number");
    }

    /** Reads {@link #writeJson}'s layout; unknown keys are passed over, so later versions may add some. */
    private static void readJson(Path file, Map<Integer, Layer> layers) throws IOException {
        try (JsonReader j = new JsonReader(new StrictUtf8Reader(Files.newInputStream(file)))) {
            try {
                j.beginObject();
                boolean sawLayers = false;
                while (j.hasNext()) {
                    if (j.nextName().equals("layers")) {
                        sawLayers = true;
                        j.beginArray();
                        while (j.hasNext()) {
                            readJsonLayer(file, j, layers);
                        }
                        j.endArray();
                    } else {
                        j.skipValue();
                    }
                }
                j.endObject();
                if (!sawLayers) {
                    throw new IllegalArgumentException(file + ": no \"layers\" in this JSON; expected discover's "
                            + "delta table");
                }
            } catch (IllegalStateException | MalformedJsonException | NumberFormatException | EOFException e) {
                throw new IllegalArgumentException(file + ": " + j.getPath() + ": not discover's delta table ("
                        + Snippet.of(e.getMessage()) + ")");
            }
        }
    }

    private static void readJsonLayer(Path file, JsonReader j, Map<Integer, Layer> layers) throws IOException {
        String where = file + ": " + j.getPath() + ": ";
        Integer layer = null;
        int toxicCount = -1;
        int cleanCount = -1;
        List<Row> rows = new ArrayList<>();
        List<String> wheres = new ArrayList<>();
        j.beginObject();
        while (j.hasNext()) {
            switch (j.nextName()) {
                case "layer" -> layer = j.nextInt();
                case "toxic_count" -> toxicCount = j.nextInt();
                case "clean_count" -> cleanCount = j.nextInt();
                case "features" -> {
                    j.beginArray();
                    while (j.hasNext()) {
                        wheres.add(file + ": " + j.getPath() + ": ");
                        rows.add(readJsonFeature(file, j));
                    }
                    j.endArray();
                }
                default -> j.skipValue();
            }
        }
        j.endObject();
        if (layer == null || layer < 0) {
            throw new IllegalArgumentException(where + "a layer without a \"layer\" number >= 0");
        }
        if (layers.containsKey(layer)) {
            throw new IllegalArgumentException(where + "layer " + layer + " is listed twice");
        }
        Layer l = new Layer(layer, toxicCount, cleanCount);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            l.add(wheres.get(i), rows.get(i), seen);
        }
        layers.put(layer, l);
    }

    private static Row readJsonFeature(Path file, JsonReader j) throws IOException {
        String where = file + ": " + j.getPath() + ": ";
        Integer feature = null;
        float[] rates = {Float.NaN, Float.NaN, Float.NaN};
        j.beginObject();
        while (j.hasNext()) {
            switch (j.nextName()) {
                case "feature" -> feature = j.nextInt();
                case "toxic_rate" -> rates[0] = (float) j.nextDouble();
                case "clean_rate" -> rates[1] = (float) j.nextDouble();
                case "delta" -> rates[2] = (float) j.nextDouble();
                default -> j.skipValue();
            }
        }
        j.endObject();
        String[] names = {"toxic_rate", "clean_rate", "delta"};
        for (int i = 0; i < rates.length; i++) {
            if (!Float.isFinite(rates[i])) {
                throw new IllegalArgumentException(where + "no finite \"" + names[i] + "\"");
            }
        }
        if (feature == null) {
            throw new IllegalArgumentException(where + "no \"feature\"");
        }
        return new Row(feature, rates[0], rates[1], rates[2]);
    }

    /** CSV with header {@code layer,feature,toxic_rate,clean_rate,delta,rank}, layers in table order. */
    public void writeCsv(Path file) throws IOException {
        AtomicWrite.write(file, out -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.print(CSV_HEADER + "\n");
            for (LayerDeltas l : byLayer.values()) {
                for (int r = 0; r < l.size(); r++) {
                    w.print(l.layer() + "," + l.features()[r] + "," + l.toxicRate()[r] + "," + l.cleanRate()[r] + ","
                            + l.delta()[r] + "," + (r + 1) + "\n");
                }
            }
            w.flush();
            if (w.checkError()) {
                throw new IOException("writing " + file + " failed");
            }
        });
    }

    /**
     * JSON: {@code {"best_layer":L,"layers":[{"layer","toxic_count","clean_count","top1_diff",
     * "features":[{"feature","toxic_rate","clean_rate","delta","rank"}...]}...]}}.
     */
    public void writeJson(Path file) throws IOException {
        AtomicWrite.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            JsonWriter j = new JsonWriter(w);
            j.beginObject();
            j.name("best_layer").value(bestLayer());
            j.name("layers").beginArray();
            for (LayerDeltas l : byLayer.values()) {
                j.beginObject();
                j.name("layer").value(l.layer());
                j.name("toxic_count").value(l.toxicCount());
                j.name("clean_count").value(l.cleanCount());
                j.name("top1_diff").value(l.top1Diff());
                j.name("features").beginArray();
                for (int r = 0; r < l.size(); r++) {
                    j.beginObject();
                    j.name("feature").value(l.features()[r]);
                    j.name("toxic_rate").value(l.toxicRate()[r]);
                    j.name("clean_rate").value(l.cleanRate()[r]);
                    j.name("delta").value(l.delta()[r]);
                    j.name("rank").value(r + 1);
                    j.endObject();
                }
                j.endArray();
                j.endObject();
            }
            j.endArray();
            j.endObject();
            j.flush();
        });
    }
}
