package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class EvalReportTest {

    private static final MetricsConfig CONFIG = new MetricsConfig(200, 42, 0.95, 10, 200);

    /** Two classifiers of different skill on the same data, a margin-scored one, and every extra figure. */
    static EvalReport sampleReport() {
        JsonObject provenance = new JsonObject();
        provenance.addProperty("data", "test.jsonl (sha256 0123abcd)");
        JsonObject bundle = new JsonObject();
        bundle.addProperty("path", "logreg.tsc");
        bundle.addProperty("layer", 16);
        provenance.add("bundle", bundle);
        EvalReport report = new EvalReport("Evaluation: rule vs logreg <&> svm", provenance, CONFIG);
        report.add(ClassifierEvaluation.evaluate("rule", Predictions.of(SyntheticPredictions.generate(1, 0.8, 150)),
                Set.of("xx"), CONFIG));
        report.add(ClassifierEvaluation.evaluate("logreg", Predictions.of(SyntheticPredictions.generate(1, 1.6, 150)),
                Set.of("xx"), CONFIG));
        List<ScoredExample> margins = new ArrayList<>();
        for (ScoredExample p : SyntheticPredictions.generate(1, 1.2, 150)) {
            margins.add(new ScoredExample(p.id(), p.lang(), p.gold(), 4 * p.score() - 2, p.predicted()));
        }
        report.add(ClassifierEvaluation.evaluate("svm", Predictions.of(margins), Set.of("xx"), CONFIG));

        Map<String, double[]> byK = new LinkedHashMap<>();
        byK.put("K=1", new double[] {0.52, 0.61, 0.70, 0.74, 0.71, 0.66});
        byK.put("K=10", new double[] {0.60, 0.72, 0.81, 0.86, 0.84, Double.NaN});
        report.addSection("Layer-wise F1", "Held-out F1 per layer; star = best layer.",
                Figures.layerF1("Held-out F1 by layer", new int[] {2, 4, 8, 12, 16, 20}, byK, 12));
        double[] fractions = {0.01, 0.05, 0.1, 0.25, 0.5, 1.0};
        double[][] perSeed = {{0.70, 0.74, 0.69}, {0.80, 0.82, 0.81}, {0.85, 0.86, 0.84}, {0.86, 0.86, 0.87},
            {0.86, 0.87, 0.86}, {0.87, 0.87, 0.87}};
        report.addSection("Data efficiency", "",
                Figures.dataEfficiency("F1 share by discovery fraction", fractions, Map.of("rule", perSeed),
                        Map.of("rule", 0.87)));
        List<String> langs = List.of("de", "en", "fr", "zh");
        double[][] jaccard = {{1, 0.4, 0.5, 0.2}, {0.4, 1, 0.45, 0.25}, {0.5, 0.45, 1, 0.2}, {0.2, 0.25, 0.2, 1}};
        report.addSection("Feature overlap", "Jaccard overlap of the top-10 toxic features.",
                Figures.jaccard("Jaccard, layer 12", langs, jaccard),
                Figures.transfer("Transfer from English", List.of("en"), langs,
                        new double[][] {{0.71, 0.88, 0.69, Double.NaN}}));
        report.addSection("Composition", "", Figures.compositionGain("Multi-layer gain", langs,
                new double[] {0.80, 0.86, 0.78, 0.60}, new double[] {0.83, 0.86, 0.77, 0.68}));
        return report;
    }

    @Test
    void writesTheThreeFilesAndNoTemporaries(@TempDir Path dir) throws Exception {
        sampleReport().write(dir.resolve("out"));
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(Set.of("report.json", "per_language.csv", "index.html"),
                    new HashSet<>(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void htmlIsWellFormedWithEveryChart(@TempDir Path dir) throws Exception {
        sampleReport().write(dir);
        String html = Files.readString(dir.resolve(EvalReport.INDEX_HTML));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            titles.add(svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent());
        }
        for (String expected : List.of("F1 (toxic) per language, 95% CI", "AUROC per language, 95% CI",
                "ROC (all languages)", "Precision-recall (all languages)", "Threshold analysis: rule",
                "Threshold analysis: logreg", "Threshold analysis: svm", "Reliability diagram (all languages)",
                "Confusion: rule", "Confusion: logreg", "Confusion: svm", "Held-out F1 by layer",
                "F1 share by discovery fraction", "Jaccard, layer 12", "Transfer from English", "Multi-layer gain")) {
            assertTrue(titles.contains(expected), "missing chart " + expected + " in " + titles);
        }
        assertEquals(16, svgs.getLength(), titles.toString());
        // Bars carry their values: the F1 chart has one rect per classifier and language with a value.
        Element f1 = (Element) svgs.item(titles.indexOf("F1 (toxic) per language, 95% CI"));
        assertTrue(f1.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength() > 3 * 5);
        assertTrue(html.contains("Evaluation: rule vs logreg &lt;&amp;&gt; svm"));
        // The margin-scored svm is not calibrated: the page says so instead of plotting it.
        assertTrue(html.contains("Not applicable to svm"));
    }

    @Test
    void htmlHasNoExternalReferenceAndNoScript(@TempDir Path dir) throws Exception {
        sampleReport().write(dir);
        String html = Files.readString(dir.resolve(EvalReport.INDEX_HTML));
        assertFalse(html.toLowerCase().contains("<script"));
        assertFalse(html.contains("url("));
        assertFalse(html.contains("@import"));
        Set<String> ids = new HashSet<>();
        Matcher id = Pattern.compile("\\sid=\"([^\"]*)\"").matcher(html);
        while (id.find()) {
            ids.add(id.group(1));
        }
        Matcher ref = Pattern.compile("\\s(?:src|href|xlink:href|srcset|action|data)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        int anchors = 0;
        while (ref.find()) {
            String target = ref.group(1);
            assertTrue(target.startsWith("#"), "reference outside the page: " + target);
            assertTrue(ids.contains(target.substring(1)), "broken anchor: " + target);
            anchors++;
        }
        assertTrue(anchors >= 7, "table of contents links: " + anchors);
        Matcher xmlns = Pattern.compile("xmlns=\"([^\"]*)\"").matcher(html);
        while (xmlns.find()) {
            assertTrue(Set.of("http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg").contains(xmlns.group(1)));
        }
    }

    @Test
    void reportJsonEqualsARecomputation(@TempDir Path dir) throws Exception {
        sampleReport().write(dir);
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject();
        assertEquals(EvalReport.FORMAT, json.get("format").getAsString());
        assertEquals("logreg.tsc", json.getAsJsonObject("provenance").getAsJsonObject("bundle").get("path")
                .getAsString());
        ClassifierEvaluation again = ClassifierEvaluation.evaluate("logreg",
                Predictions.of(SyntheticPredictions.generate(1, 1.6, 150)), Set.of("xx"), CONFIG);
        assertEquals(EvalReport.gson().toJsonTree(again), json.getAsJsonArray("classifiers").get(1));
        JsonObject xx = json.getAsJsonArray("classifiers").get(1).getAsJsonObject().getAsJsonObject("languages")
                .getAsJsonObject("xx");
        assertTrue(xx.get("f1").isJsonNull(), "empty language written as null");
        assertEquals(4, json.getAsJsonArray("sections").size());
        assertTrue(json.getAsJsonArray("sections").get(0).getAsJsonObject().getAsJsonArray("charts").get(0)
                .getAsJsonObject().getAsJsonArray("series").get(1).getAsJsonObject().getAsJsonArray("y").get(5)
                .isJsonNull(), "NaN in chart data written as null");
    }

    @Test
    void perLanguageCsvHasOneRowPerClassifierAndLanguage(@TempDir Path dir) throws Exception {
        EvalReport report = sampleReport();
        report.write(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EvalReport.PER_LANGUAGE_CSV));
        assertEquals(PerLanguageCsv.HEADER, lines.get(0));
        // 3 classifiers x (overall + de, en, fr, sw, xx, zh).
        assertEquals(1 + 3 * 7, lines.size());
        String[] header = lines.get(0).split(",", -1);
        String[] logregEn = lines.stream().filter(l -> l.startsWith("logreg,en,")).findFirst().orElseThrow()
                .split(",", -1);
        assertEquals(header.length, logregEn.length);
        BinaryMetrics en = report.classifiers().get(1).languages().get("en");
        assertEquals(en.f1(), Double.parseDouble(logregEn[List.of(header).indexOf("f1")]));
        assertEquals(en.aurocCi().low(), Double.parseDouble(logregEn[List.of(header).indexOf("auroc_ci_low")]));
        String[] svmSw = lines.stream().filter(l -> l.startsWith("svm,sw,")).findFirst().orElseThrow().split(",", -1);
        assertEquals("", svmSw[List.of(header).indexOf("auroc")], "one-class language: empty cell");
        assertEquals("", svmSw[List.of(header).indexOf("ece")], "margins are not probabilities: empty cell");
    }

    @Test
    void classifierWithoutToxicExamplesStillRenders(@TempDir Path dir) throws Exception {
        List<ScoredExample> clean = List.of(new ScoredExample("1", "en", false, 0.2, false),
                new ScoredExample("2", "de", false, 0.7, true));
        EvalReport report = new EvalReport("clean only", new JsonObject(), CONFIG)
                .add(ClassifierEvaluation.evaluate("c", Predictions.of(clean), Set.of(), CONFIG));
        report.write(dir);
        String html = Files.readString(dir.resolve(EvalReport.INDEX_HTML));
        assertTrue(html.contains("No curve for c: the data lack one of the classes."));
        assertTrue(html.contains("n/a (no toxic example)"));
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject();
        JsonObject overall = json.getAsJsonArray("classifiers").get(0).getAsJsonObject().getAsJsonObject("overall");
        assertTrue(overall.get("auroc").isJsonNull());
        assertTrue(overall.get("roc").isJsonNull());
        assertEquals(0.0, overall.get("f1").getAsDouble());
    }

    @Test
    void perLabelSectionsAndTheMeanAurocOverTheLabelsWhereItIsDefined(@TempDir Path dir) throws Exception {
        EvalReport single = sampleReport();
        assertTrue(!single.toJson().has("labels"), "a report without multi-label classifiers keeps its layout");
        assertTrue(!single.toHtml().contains("id=\"labels\""));
        ClassifierEvaluation toxic = ClassifierEvaluation.evaluate("toxic",
                Predictions.of(SyntheticPredictions.generate(1, 0.8, 150)), Set.of(), CONFIG);
        ClassifierEvaluation insult = ClassifierEvaluation.evaluate("insult",
                Predictions.of(SyntheticPredictions.generate(2, 1.6, 150)), Set.of(), CONFIG);
        ClassifierEvaluation threat = ClassifierEvaluation.evaluate("threat", Predictions.of(List.of(
                new ScoredExample("1", "en", false, 0.2, false), new ScoredExample("2", "en", false, 0.7, true))),
                Set.of(), CONFIG);
        MultiLabelEvaluation ml = MultiLabelEvaluation.of("jigsaw.tsc", List.of(toxic, insult, threat),
                List.of("obscene"));
        assertEquals((toxic.overall().auroc() + insult.overall().auroc()) / 2, ml.meanAuroc(), 1e-12);
        assertEquals(List.of("toxic", "insult"), ml.meanAurocLabels(), "threat has no toxic example: no AUROC");
        assertEquals(null, MultiLabelEvaluation.of("c", List.of(threat), List.of()).meanAuroc());
        single.addLabels(ml).write(dir);
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject();
        JsonObject labels = json.getAsJsonArray("labels").get(0).getAsJsonObject();
        assertEquals(EvalReport.gson().toJsonTree(insult), labels.getAsJsonArray("labels").get(1));
        assertEquals("[\"obscene\"]", labels.get("missing_labels").toString());
        assertEquals(ml.meanAuroc(), labels.get("mean_auroc").getAsDouble());
        String html = Files.readString(dir.resolve(EvalReport.INDEX_HTML));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        for (String part : List.of("<a href=\"#labels\">Per label</a>", "<h3>jigsaw.tsc: insult</h3>",
                "<h3>jigsaw.tsc: threat</h3>", "no gold column in the test set: obscene")) {
            assertTrue(html.contains(part), part);
        }
    }
}
