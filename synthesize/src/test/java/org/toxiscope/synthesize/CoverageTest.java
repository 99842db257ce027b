package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.eval.ReportPage;
import org.toxiscope.features.SparseVector;

class CoverageTest {

    static final List<Target> T = List.of(t(1, 10), t(1, 20), t(2, 30), t(2, 40));

    private static Target t(int layer, int feature) {
        return new Target(new FeatureRef(layer, feature), Double.NaN, "test");
    }

    /** 10 examples: f10 fires in 0..5, f20 in example 9 only, f30 nowhere, f40 in 2 and 7. */
    private static FiringSets handMade() {
        return FiringSets.of(T, List.of(new int[] {0, 1, 2, 3, 4, 5}, new int[] {9}, new int[0], new int[] {7, 2}), 10);
    }

    /**
     * A coverage report on {@link #handMade} with two synthesized sets, kept/tried, the Cov-vs-budget figure, a nested
     * provenance and {@code explanations} (one per target of {@link #T}).
     */
    static CoverageReport sampleReport(List<FeatureExplanation> explanations) {
        JsonObject provenance = new JsonObject();
        JsonObject model = new JsonObject();
        model.addProperty("path", "/models/Qwen3-1.7B");
        model.addProperty("sha256", "9f2c0e");
        provenance.add("model", model);
        JsonArray saes = new JsonArray();
        for (int layer : new int[] {1, 2}) {
            JsonObject sae = new JsonObject();
            sae.addProperty("layer", layer);
            sae.addProperty("file", "layer" + layer + ".sae.pt");
            sae.addProperty("k", 50);
            saes.add(sae);
        }
        provenance.add("saes", saes);
        provenance.addProperty("generator", "describe");
        long[] seeds = SamplingCurve.seeds(7, 5);
        FiringSets corpus = handMade();
        FiringSets all = FiringSets.of(T, List.of(new int[] {0, 1}, new int[] {2}, new int[] {3, 4, 5}, new int[0]), 6);
        FiringSets steer = FiringSets.of(T, List.of(new int[] {0}, new int[0], new int[] {1, 2}, new int[0]), 3);
        return new CoverageReport(T, provenance, 0.15)
                .corpus("seed corpus", corpus, SamplingCurve.of(corpus, SamplingCurve.defaultBudgets(10, 6, 3), seeds))
                .synthesized("all", all).synthesized("steer", steer)
                .targetStats(List.of(new CoverageReport.TargetStats(2, 5), new CoverageReport.TargetStats(1, 8),
                        new CoverageReport.TargetStats(3, 3), new CoverageReport.TargetStats(0, 12)))
                .budgetCurve("natural sampling", SamplingCurve.of(corpus, SamplingCurve.defaultBudgets(10), seeds))
                .budgetCurve("feature-driven synthesis", SamplingCurve.of(all, SamplingCurve.defaultBudgets(6), seeds))
                .explanations(explanations);
    }

    /** A one-token signature with {@code contexts}, strongest first. */
    static FeatureExplanation explanation(Target t, FeatureExplanation.Snippet... contexts) {
        List<FeatureExplanation.Context> c = new ArrayList<>();
        for (int i = 0; i < contexts.length; i++) {
            c.add(new FeatureExplanation.Context("seed:" + i, contexts[i], 3f - i, null));
        }
        return new FeatureExplanation(t.layer(), t.feature(),
                List.of(new FeatureExplanation.TokenScore(1, " idiot", 2f)), c, null);
    }

    @Test
    void thePageHighlightsTheFiringTokenAndTabulatesTheProvenance() throws Exception {
        List<FeatureExplanation> explanations = List.of(
                explanation(T.get(0), new FeatureExplanation.Snippet("...you <b> & ", "fool", " again...")),
                explanation(T.get(1)),
                explanation(T.get(2), new FeatureExplanation.Snippet("no firing position", "", "")),
                explanation(T.get(3), new FeatureExplanation.Snippet("", "[[x]]", "")));
        String html = sampleReport(explanations).toHtml();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document page = f.newDocumentBuilder().parse(new InputSource(new StringReader(html.replaceFirst(
                "<!DOCTYPE html>", ""))));
        NodeList marks = page.getElementsByTagName("mark");
        assertEquals(2, marks.getLength(), "one per context with a firing token");
        assertEquals("fool", marks.item(0).getTextContent());
        assertEquals("[[x]]", marks.item(1).getTextContent(), "a token's own brackets are text, not marks");
        String body = page.getElementsByTagName("body").item(0).getTextContent();
        assertTrue(body.contains("context: ...you <b> & fool again..."), "escaped text around the mark");
        assertTrue(body.contains("context: no firing position"), "no mark without a firing token");
        assertFalse(body.contains("[[fool]]"), body);
        assertFalse(body.contains("{\""), "no raw JSON on the page");
        NodeList sections = page.getElementsByTagName("section");
        Element last = (Element) sections.item(sections.getLength() - 1);
        assertEquals("provenance", last.getAttribute("id"));
        assertEquals(ReportPage.PROVENANCE, last.getElementsByTagName("h2").item(0).getTextContent());
        assertTrue(last.getElementsByTagName("table").getLength() > 2, "nested tables");
        assertTrue(last.getTextContent().contains("weak_below0.15"), "the settings beside the provenance");
        assertTrue(last.getTextContent().contains("layer2.sae.pt"));
    }

    @Test
    void covMissingAndWeakFollowTheDefinitions() {
        Coverage c = Coverage.of(handMade(), 0.15);
        assertEquals(List.of(0, 1, 3), c.covered());
        assertEquals(List.of(2), c.missing());
        assertEquals(List.of(1), c.weak(), "f20 fires in 1 of 10 examples, below 15%");
        assertEquals(0.75, c.cov(), 1e-12);
        assertEquals(List.of(T.get(2), T.get(1)), c.toSynthesize(T));
        assertEquals(List.of(), Coverage.of(handMade(), 0).weak());
    }

    @Test
    void firingSetsReadMaxPooledVectorsAboveZero() {
        FiringSets sets = new FiringSets(T);
        sets.add(Map.of(1, new SparseVector(new int[] {10, 20}, new float[] {0.5f, 0f})));
        sets.add(Map.of(1, new SparseVector(new int[] {20}, new float[] {-1f}), 2,
                new SparseVector(new int[] {40}, new float[] {2f})));
        sets.add(Map.of());
        assertEquals(3, sets.size());
        assertArrayEquals(new int[] {0}, sets.examples(0));
        assertArrayEquals(new int[0], sets.examples(1), "zero and negative activations do not fire");
        assertArrayEquals(new int[] {1}, sets.examples(3));
    }

    @Test
    void samplingCurveEqualsBruteForceOverTheSameOrders() {
        FiringSets sets = handMade();
        int[] budgets = {1, 2, 3, 5, 10, 50};
        long[] seeds = SamplingCurve.seeds(7, 6);
        SamplingCurve curve = SamplingCurve.of(sets, budgets, seeds);
        for (int s = 0; s < seeds.length; s++) {
            int[] rank = SamplingCurve.randomRanks(10, seeds[s]);
            for (int j = 0; j < budgets.length; j++) {
                int covered = 0;
                for (int t = 0; t < T.size(); t++) {
                    for (int e : sets.examples(t)) {
                        if (rank[e] < Math.min(budgets[j], 10)) {
                            covered++;
                            break;
                        }
                    }
                }
                assertEquals(covered / 4.0, curve.cov()[s][j], 1e-12, "seed " + seeds[s] + " budget " + budgets[j]);
            }
            assertEquals(0.75, curve.cov()[s][4], 1e-12, "the whole corpus gives Cov(D)");
        }
        double[] mean = curve.mean();
        for (int j = 1; j < mean.length; j++) {
            assertTrue(mean[j] >= mean[j - 1]);
        }
        assertEquals(mean[2], curve.meanAt(3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> curve.meanAt(4));
        double[][] range = curve.range();
        assertTrue(range[0][0] - 1e-12 <= mean[0] && mean[0] <= range[1][0] + 1e-12);
    }

    @Test
    void defaultBudgetsCoverTheCorpusAndTheExtraBudgets() {
        assertArrayEquals(new int[] {1, 2, 5, 10, 20, 37, 50, 100, 200, 500, 1000, 1234},
                SamplingCurve.defaultBudgets(1234, 37));
        assertArrayEquals(new int[] {1, 2, 5, 8}, SamplingCurve.defaultBudgets(8, 100), "extras are capped at n");
    }

    @Test
    void handMadeSetsRefuseExamplesOutsideTheCorpus() {
        assertThrows(IllegalArgumentException.class,
                () -> FiringSets.of(List.of(T.get(0)), List.<int[]>of(new int[] {10}), 10));
    }
}
