package org.toxiscope.synthesize;

import java.util.List;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.Provenance;
import org.toxiscope.classify.Thresholds;

/** A rule classifier over tiny-SAE features 1:3 and 1:100 that claims to read features extracted as given. */
final class RuleBundles {

    private RuleBundles() {
    }

    static ClassifierBundle extractedAs(ExtractionProvenance extraction) {
        FeatureRule rule = new FeatureRule(List.of(new FeatureRef(1, 3), new FeatureRef(1, 100)));
        return new ClassifierBundle(Method.RULE, List.of(new LabelClassifier("toxic", rule,
                Thresholds.global(rule.defaultThreshold()))), new Provenance(extraction, "test", null, 0.5, 42, null,
                "test", "2026-11-24T00:00:00Z"), null);
    }
}
