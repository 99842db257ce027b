package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxiscope.features.lens.LinearityStats;

/**
 * What describe asks its instruct model: a feature's request carries the logit-lens tokens, the Query Lens key and
 * value tokens when read, and the contexts; the records' explanation line says the same; a random-synthesis request
 * names a safety category and nothing of the feature.
 */
class DescribeRequestTest {

    private static FeatureExplanation.TokenScore token(String t, float score) {
        return new FeatureExplanation.TokenScore(0, t, score);
    }

    private static FeatureExplanation explanation() {
        LinearityStats stats = new LinearityStats(10, 10, 1, 1, 1, 1, 0.5, 0.5, 0.1);
        FeatureExplanation.QueryLensReading lens = new FeatureExplanation.QueryLensReading(
                new FeatureExplanation.Ranked(List.of(token(" idiot", 3)), List.of(token(" kind", -3))),
                new FeatureExplanation.Ranked(List.of(token(" stupid", 2)), List.of(token(" lovely", -2))), 10,
                new FeatureExplanation.LensStats(stats, stats), new FeatureExplanation.Ranked(List.of(), List.of()));
        return new FeatureExplanation(14, 2311, List.of(token(" moron", 1)),
                List.of(new FeatureExplanation.Context("a:1",
                        new FeatureExplanation.Snippet("you ", "fool", ""), 2f, null)), lens);
    }

    @Test
    void theRequestCarriesTheQueryLensKeyAndValueBesideTheContexts() {
        String ask = DescribeGenerator.directRequest(explanation());
        assertTrue(ask.contains("\"moron\""), ask);
        assertTrue(ask.contains("What activates it most (read from its encoder): \"stupid\""), ask);
        assertTrue(ask.contains("What it makes the model say next (read from its decoder): \"idiot\""), ask);
        assertTrue(ask.contains("you [[fool]]"), ask);
        assertTrue(ask.indexOf("encoder") < ask.indexOf("[[fool]]"), "the lens before the contexts: " + ask);
    }

    @Test
    void withoutALensTheRequestIsAsBefore() {
        String ask = DescribeGenerator.directRequest(explanation().withQueryLens(null));
        assertFalse(ask.contains("encoder") || ask.contains("decoder"), ask);
        assertTrue(ask.contains("you [[fool]]"), ask);
    }

    @Test
    void theExplanationLineNamesTheLensTokens() {
        String summary = explanation().summary();
        assertTrue(summary.equals("tokens: 'moron'; query lens key: 'stupid'; query lens value: 'idiot'; context: "
                + "you [[fool]]"), summary);
    }

    @Test
    void aRandomRequestNamesACategoryAndNoFeature() {
        for (String category : DescribeGenerator.CATEGORIES) {
            String ask = DescribeGenerator.categoryRequest(category);
            assertTrue(ask.contains(category), ask);
            assertFalse(ask.contains("concept") || ask.contains("token"), ask);
        }
    }
}
