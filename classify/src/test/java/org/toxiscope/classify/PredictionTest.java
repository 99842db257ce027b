package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class PredictionTest {

    @Test
    void topFeaturesColumn() {
        Prediction p = new Prediction("toxic", 0.93, 2.6, true, List.of(
                new Contribution(14, 2311, 5, 3.2f, 3.2), new Contribution(14, 17, 0, 1.1f, 1.1),
                new Contribution(20, 5, -1, 0.4f, 0.0412)));
        assertEquals("L14:f2311@5=3.2;L14:f17@0=1.1;L20:f5=0.0412", p.topFeatures());
        assertEquals("", new Prediction("toxic", 0, 0, false, List.of()).topFeatures());
    }

    @Test
    void featureRefParsesItsName() {
        assertEquals(new FeatureRef(14, 2311), FeatureRef.parse("L14:f2311"));
        assertEquals("L14:f2311", new FeatureRef(14, 2311).toString());
    }
}
