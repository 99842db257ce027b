package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.LinearClassifier;
import org.toxiscope.classify.LinearSettings;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.Provenance;
import org.toxiscope.classify.Scorer;
import org.toxiscope.classify.Thresholds;
import org.toxiscope.features.SparseVector;

class TargetInventoryTest {

    @TempDir
    Path dir;

    @Test
    void targetsFileKeepsRelevantIdsInOrder() throws Exception {
        Path f = Files.writeString(dir.resolve("t.txt"), "# targets\n14:2311,0.9\nL3:f7 0.2\n\n5:6\t0.5 # ok\n");
        List<Target> all = TargetInventory.fromFile(f, null);
        assertEquals(List.of("L14:f2311", "L3:f7", "L5:f6"), all.stream().map(Target::toString).toList());
        assertEquals(0.9, all.get(0).relevance());
        List<Target> relevant = TargetInventory.fromFile(f, 0.5);
        assertEquals(List.of("L14:f2311", "L5:f6"), relevant.stream().map(Target::toString).toList());
        assertEquals(all.stream().map(Target::toString).toList(), TargetInventory.fromFile(
                Files.writeString(dir.resolve("u.txt"), TargetInventory.format(all)), null).stream()
                .map(Target::toString).toList());
    }

    @Test
    void badLinesNameFileAndLine() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.txt"), "1:2\nfoo\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetInventory.fromFile(f, null));
        assertTrue(e.getMessage().contains("bad.txt:2:"), e.getMessage());
        Path g = Files.writeString(dir.resolve("noscore.txt"), "1:2,0.5\n3:4\n");
        e = assertThrows(IllegalArgumentException.class, () -> TargetInventory.fromFile(g, 0.1));
        assertTrue(e.getMessage().contains("noscore.txt:2:") && e.getMessage().contains("relevance"), e.getMessage());
        Path json = Files.writeString(dir.resolve("delta.json"), "{\"best_layer\":1,\"layers\":[" + "{},".repeat(9000)
                + "{}]}");
        e = assertThrows(IllegalArgumentException.class, () -> TargetInventory.fromFile(json, null));
        assertTrue(e.getMessage().length() < 300 && e.getMessage().contains("pass it with --discover"), e.getMessage());
    }

    @Test
    void discoverCsvGivesTopNPositiveDeltasPerLayer() throws Exception {
        Path csv = Files.writeString(dir.resolve("d.csv"), "layer,feature,toxic_rate,clean_rate,delta,rank\n"
                + "1,5,0.5,0.1,0.4,1\n1,9,0.3,0.1,0.2,2\n1,3,0.2,0.1,0.1,3\n2,8,0.1,0.3,-0.2,1\n");
        List<Target> t = TargetInventory.fromDelta(csv, 2);
        assertEquals(List.of("L1:f5", "L1:f9"), t.stream().map(Target::toString).toList());
        assertEquals(0.4, t.get(0).relevance(), 1e-12);
        Path bad = Files.writeString(dir.resolve("e.csv"), "layer,feature\n");
        assertThrows(IllegalArgumentException.class, () -> TargetInventory.fromDelta(bad, 2));

        // discover's JSON of the same table gives the same targets.
        Path json = Files.writeString(dir.resolve("d.json"), "{\"best_layer\":1,\"layers\":["
                + "{\"layer\":1,\"toxic_count\":4,\"clean_count\":4,\"top1_diff\":0.4,\"features\":["
                + "{\"feature\":5,\"toxic_rate\":0.5,\"clean_rate\":0.1,\"delta\":0.4,\"rank\":1},"
                + "{\"feature\":9,\"toxic_rate\":0.3,\"clean_rate\":0.1,\"delta\":0.2,\"rank\":2},"
                + "{\"feature\":3,\"toxic_rate\":0.2,\"clean_rate\":0.1,\"delta\":0.1,\"rank\":3}]},"
                + "{\"layer\":2,\"toxic_count\":4,\"clean_count\":4,\"top1_diff\":-0.2,\"features\":["
                + "{\"feature\":8,\"toxic_rate\":0.1,\"clean_rate\":0.3,\"delta\":-0.2,\"rank\":1}]}]}");
        assertEquals(t, TargetInventory.fromDelta(json, 2));
    }

    private static ClassifierBundle bundle(Method method, Scorer scorer) {
        return new ClassifierBundle(method, List.of(new LabelClassifier("toxic", scorer,
                Thresholds.global(scorer.defaultThreshold()))), new Provenance(new ExtractionProvenance("m", "x", "w", "t", "s",
                Map.of(1, "y"), null, 8, false, "max", 0, "f32", null), "d", null, 0.5, 1, null, "test", "now"), null);
    }

    @Test
    void bundleTargetsAreTheRuleFeaturesOrTheLargestPositiveWeights() {
        FeatureRule rule = new FeatureRule(List.of(new FeatureRef(1, 4), new FeatureRef(1, 9)));
        assertEquals(List.of("L1:f4", "L1:f9"), TargetInventory.fromBundle(bundle(Method.RULE, rule), 1).stream()
                .map(Target::toString).toList());

        // Feature 5 marks toxic rows, feature 6 clean ones: only 5 gets a positive weight.
        FeatureTable.Builder b = FeatureTable.builder(new int[] {1}, List.of("toxic"));
        for (int i = 0; i < 40; i++) {
            boolean toxic = i % 2 == 0;
            b.add("r" + i, "en", Map.of("toxic", toxic), new SparseVector(new int[] {toxic ? 5 : 6}, new float[] {1f}));
        }
        FeatureTable table = b.build();
        int[] rows = new int[40];
        java.util.Arrays.setAll(rows, i -> i);
        Map<Integer, int[]> all = new HashMap<>();
        all.put(1, null);
        LinearClassifier linear = LinearClassifier.train(table, 0, rows, all, LinearSettings.defaults(Method.LOGREG, 1));
        List<Target> t = TargetInventory.fromBundle(bundle(Method.LOGREG, linear), 10);
        assertEquals(List.of("L1:f5"), t.stream().map(Target::toString).toList());
        assertTrue(t.get(0).relevance() > 0);
    }
}
