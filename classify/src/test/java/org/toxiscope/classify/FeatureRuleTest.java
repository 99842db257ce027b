package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class FeatureRuleTest {

    private final FeatureTable table = Tables.handMade();
    private final DeltaTable deltas = Discovery.run(table, 0);

    private boolean[] decisions(FeatureRule rule) {
        LabelClassifier c = new LabelClassifier("toxic", rule, Thresholds.global(rule.defaultThreshold()));
        boolean[] out = new boolean[table.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = c.predict(table, r).toxic();
        }
        return out;
    }

    @Test
    void topKAtOneLayerIsAnOrRule() {
        FeatureRule top1 = FeatureRule.topK(deltas, 3, 1);
        assertEquals(List.of(new FeatureRef(3, 0)), top1.features());
        // f0 at layer 3 fires on t0, t1, t2 and c4
        assertArrayEquals(new boolean[] {true, true, true, false, true, false, false, false}, decisions(top1));

        FeatureRule top2 = FeatureRule.topK(deltas, 3, 2);
        assertEquals(List.of(new FeatureRef(3, 0), new FeatureRef(3, 2)), top2.features());
        assertEquals(2.0, top2.score(table, 0));
        assertEquals(1.0, top2.score(table, 2));
        assertEquals(0.0, top2.score(table, 3));
    }

    @Test
    void negativeActivationDoesNotFire() {
        FeatureRule f4 = new FeatureRule(List.of(new FeatureRef(3, 4)));
        assertEquals(0.0, f4.score(table, 3));
    }

    @Test
    void topKAtEachLayer() {
        FeatureRule rule = FeatureRule.topKEach(deltas, List.of(3, 7), 2);
        assertEquals(List.of(new FeatureRef(3, 0), new FeatureRef(3, 2), new FeatureRef(7, 3), new FeatureRef(7, 10)),
                rule.features());
        assertArrayEquals(new int[] {3, 7}, rule.layers());
        assertArrayEquals(new boolean[] {true, true, true, true, true, false, false, false}, decisions(rule));
    }

    @Test
    void compositionTakesTheBestFeatureOfTheTopLayers() {
        FeatureRule one = FeatureRule.compose(deltas, 1);
        assertEquals(List.of(new FeatureRef(7, 10)), one.features());
        assertArrayEquals(new boolean[] {true, true, true, true, false, false, false, false}, decisions(one));
        FeatureRule two = FeatureRule.compose(deltas, 2);
        assertEquals(List.of(new FeatureRef(3, 0), new FeatureRef(7, 10)), two.features());
        assertArrayEquals(new boolean[] {true, true, true, true, true, false, false, false}, decisions(two));
        assertThrows(IllegalArgumentException.class, () -> FeatureRule.compose(deltas, 3));
    }

    @Test
    void explanationNamesLayerFeatureTokenAndActivation() {
        FeatureRule rule = FeatureRule.topKEach(deltas, List.of(3, 7), 2);
        LabelClassifier c = new LabelClassifier("toxic", rule, Thresholds.global(0.5));
        Prediction p = c.predict(table, 0);
        assertEquals(4.0, p.raw());
        assertEquals(rule.defaultScaling().apply(4.0), p.score());
        // activations 1 + f/100 at token f mod 7, largest first
        assertEquals("L7:f10@3=1.1;L7:f3@3=1.03;L3:f2@2=1.02;L3:f0@0=1", p.topFeatures());
        Prediction named = p.withTokens(pos -> pos == 3 ? " idiot" : "a;\"b\"");
        assertEquals("L7:f10@3\" idiot\"=1.1;L7:f3@3\" idiot\"=1.03;L3:f2@2\"a\\u003b\\\"b\\\"\"=1.02;"
                + "L3:f0@0\"a\\u003b\\\"b\\\"\"=1", named.topFeatures());
        assertEquals(List.of(), c.predict(table, 5).explanation());
    }
}
