package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.Golden;
import org.toxiscope.features.SharedFixtures;

class ReconstructionStatsTest {

    @Test
    void matchesFiguresComputedFromTheGoldenReconstructions() throws IOException {
        JsonObject golden = Golden.load("qwen3-tiny").root;
        int n = golden.getAsJsonArray("texts").size();
        float[][] x = new float[n][];
        float[][] xHat = new float[n][];
        Set<Long> active = new HashSet<>();
        for (int i = 0; i < n; i++) {
            JsonObject text = golden.getAsJsonArray("texts").get(i).getAsJsonObject();
            x[i] = Golden.floats(text.get("resid_block1_last"));
            xHat[i] = Golden.floats(text.getAsJsonObject("sae").get("x_hat_last"));
            JsonObject sae = text.getAsJsonObject("sae");
            long[] idx = Golden.longs(Golden.last(sae.get("topk_indices")));
            float[] val = Golden.floats(Golden.last(sae.get("topk_values")));
            for (int j = 0; j < idx.length; j++) {
                if (val[j] > 0) {
                    active.add(idx[j]);
                }
            }
        }
        double err = 0;
        double[] mean = new double[64];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 64; d++) {
                err += Math.pow(x[i][d] - xHat[i][d], 2);
                mean[d] += x[i][d] / n;
            }
        }
        double variance = 0;
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 64; d++) {
                variance += Math.pow(x[i][d] - mean[d], 2);
            }
        }
        SaeSpec spec = new SaeResolver(new HfCache(Map.of()))
                .resolve(SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString(), null, 8, null);
        try (NDManager m = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, m)) {
            ReconstructionStats stats = new ReconstructionStats(sae);
            // two batches, to exercise accumulation
            for (int[] range : new int[][] {{0, 3}, {3, n}}) {
                float[] flat = new float[(range[1] - range[0]) * 64];
                for (int i = range[0]; i < range[1]; i++) {
                    System.arraycopy(x[i], 0, flat, (i - range[0]) * 64, 64);
                }
                try (NDManager scope = m.newSubManager()) {
                    stats.add(scope.create(flat, new Shape(range[1] - range[0], 64)));
                }
            }
            ReconstructionStats.Result r = stats.result();
            assertEquals(n, r.vectors());
            assertEquals(err / (n * 64.0), r.mse(), 1e-4 * r.mse());
            assertEquals(err / variance, r.fvu(), 1e-4 * r.fvu());
            assertEquals(8.0, r.meanL0());
            assertEquals(512 - active.size(), r.deadFeatures());
        }
    }
}
