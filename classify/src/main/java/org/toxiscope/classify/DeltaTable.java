package org.toxiscope.classify;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

/**
 * Per-layer toxic bias of the SAE features that fire on at least one discovery example, each layer's features
 * ranked by delta descending, ties broken by lower feature index. Features that never fire have delta 0 and are
 * left out.
 */
public final class DeltaTable {

    /**
     * One layer's ranked features: {@code features[r]} has rank r + 1, with its firing rate among toxic and among
     * clean examples and {@code delta = toxicRate - cleanRate}.
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

    /** CSV with header {@code layer,feature,toxic_rate,clean_rate,delta,rank}, layers in table order. */
    public void writeCsv(Path file) throws IOException {
        AtomicFile.write(file, out -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.print("layer,feature,toxic_rate,clean_rate,delta,rank\n");
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
        AtomicFile.write(file, out -> {
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
