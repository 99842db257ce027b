package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SparseVector;

class DiscoveryTest {

    @Test
    void deltasRanksAndTop1DiffOnHandMadeFiring() {
        DeltaTable d = Discovery.run(Tables.handMade(), 0);
        DeltaTable.LayerDeltas l3 = d.layer(3);
        assertEquals(4, l3.toxicCount());
        assertEquals(4, l3.cleanCount());
        // f0 and f2 tie at 0.5: lower index first; f4 never fires (negative activation) and is absent.
        assertArrayEquals(new int[] {0, 2, 1, 5}, l3.features());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, -0.5f}, l3.delta());
        assertArrayEquals(new float[] {0.75f, 0.5f, 1f, 0f}, l3.toxicRate());
        assertArrayEquals(new float[] {0.25f, 0f, 1f, 0.5f}, l3.cleanRate());
        assertEquals(0.5, d.top1Diff(3), 1e-9);

        DeltaTable.LayerDeltas l7 = d.layer(7);
        assertArrayEquals(new int[] {10, 3, 8}, l7.features());
        assertArrayEquals(new float[] {1f, 0.25f, -0.25f}, l7.delta());
        assertEquals(1.0, d.top1Diff(7), 1e-9);

        assertEquals(7, d.bestLayer());
        assertEquals(List.of(7, 3), d.layersByTop1Diff());
        assertArrayEquals(new int[] {0, 2}, l3.top(2));
        assertArrayEquals(new int[] {10, 3, 8}, l7.top(10));
    }

    @Test
    void discoveryOnChosenRowsOnly() {
        // rows t0, t3, c4, c7: layer 3 f0 fires on t0 and c4 -> 0; f2 on t0 -> 0.5; f5 on c4 -> -0.5
        DeltaTable d = Discovery.run(Tables.handMade(), 0, new int[] {0, 3, 4, 7});
        assertArrayEquals(new int[] {2, 0, 1, 5}, d.layer(3).features());
        assertArrayEquals(new float[] {0.5f, 0f, 0f, -0.5f}, d.layer(3).delta());
    }

    @Test
    void oneClassIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Discovery.run(Tables.handMade(), 0, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("2 toxic and 0 clean"), e.getMessage());
    }

    @Test
    void writesCsvAndJson(@TempDir Path dir) throws Exception {
        DeltaTable d = Discovery.run(Tables.handMade(), 0);
        Path csv = dir.resolve("delta.csv");
        d.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("layer,feature,toxic_rate,clean_rate,delta,rank", lines.get(0));
        assertEquals("3,0,0.75,0.25,0.5,1", lines.get(1));
        assertEquals("7,10,1.0,0.0,1.0,1", lines.get(5));
        assertEquals(8, lines.size());

        Path json = dir.resolve("delta.json");
        d.writeJson(json);
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(7, o.get("best_layer").getAsInt());
        JsonObject layer7 = o.getAsJsonArray("layers").get(1).getAsJsonObject();
        assertEquals(1.0, layer7.get("top1_diff").getAsDouble(), 1e-9);
        assertEquals(10, layer7.getAsJsonArray("features").get(0).getAsJsonObject().get("feature").getAsInt());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void streamingCountsEqualTheTablePath() {
        FeatureTable t = Tables.synthetic(300, 9, "en", "fr");
        FiringCounts counts = new FiringCounts(new int[] {12});
        for (int r = 0; r < t.size(); r++) {
            counts.add(t.label(0, r), t.vector(12, r));
        }
        DeltaTable.LayerDeltas streamed = counts.deltas("toxic").layer(12);
        DeltaTable.LayerDeltas tabled = Discovery.run(t, 0).layer(12);
        assertArrayEquals(tabled.features(), streamed.features());
        assertArrayEquals(tabled.delta(), streamed.delta());
        assertEquals(150, streamed.toxicCount());
    }

    @Test
    void absurdFeatureIndexIsRefused() {
        FiringCounts counts = new FiringCounts(new int[] {0});
        SparseVector huge = new SparseVector(new int[] {Integer.MAX_VALUE},
                new float[] {1f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> counts.add(true, huge));
        assertTrue(e.getMessage().contains("feature index 2147483647"), e.getMessage());
        FeatureTable.Builder b = FeatureTable.builder(new int[] {0}, List.of());
        assertThrows(IllegalArgumentException.class, () -> b.add("x", "en", Map.of(), huge));
    }
}
