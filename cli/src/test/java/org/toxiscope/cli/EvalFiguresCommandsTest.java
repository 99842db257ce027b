package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

/**
 * eval layers / languages / curve end to end on the tiny fixture model and the multilingual sample. The fixture has
 * one SAE (layer 1); a copy of it at layers 0 and 2 (same width, residual after those blocks) gives a three-layer
 * run, so the multi-layer paths (stars, composition, one Jaccard map per layer) run through the CLI.
 */
class EvalFiguresCommandsTest {

    private static final List<String> LANGS = List.of("ar", "de", "en", "es", "fr", "ru", "zh");

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    static Path saes;

    @BeforeAll
    static void prepare() throws Exception {
        Path sae = SharedFixtures.path("qwen3-tiny-sae");
        saes = Files.createDirectories(dir.resolve("saes"));
        for (int layer = 0; layer < 3; layer++) {
            Files.copy(sae.resolve("layer1.sae.pt"), saes.resolve("layer" + layer + ".sae.pt"));
        }
        SampleSplit split = SampleSplit.write(dir);
        train = split.train();
        test = split.test();
    }

    private static JsonObject run(String command, Path sae, String report, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("eval", command, "--model",
                SharedFixtures.path("qwen3-tiny").toString(), "--sae", sae.toString(), "--k", "8", "--layers", "all",
                "--data", train.toString(), "--test", test.toString(), "--report", dir.resolve(report).toString(),
                "--cache", dir.resolve("cache").toString(), "--bootstrap", "50"));
        args.addAll(List.of(more));
        var r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        Path out = dir.resolve(report);
        assertTrue(Files.exists(out.resolve("per_language.csv")));
        return JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
    }

    /** Asserts index.html draws every chart of report.json's sections as an inline SVG with its title; returns the count. */
    private static int figureSvgs(String report, JsonObject json) throws Exception {
        String html = Files.readString(dir.resolve(report).resolve("index.html"));
        List<String> svgs = new ArrayList<>();
        for (String part : html.split("<svg", -1)) {
            if (part.contains("</svg>")) {
                svgs.add(part.substring(0, part.indexOf("</svg>")));
            }
        }
        int n = 0;
        for (var section : json.getAsJsonArray("sections")) {
            for (var chart : section.getAsJsonObject().getAsJsonArray("charts")) {
                String title = chart.getAsJsonObject().get("title").getAsString();
                assertTrue(svgs.stream().anyMatch(svg -> svg.contains(title)), "no SVG titled " + title);
                n++;
            }
        }
        return n;
    }

    private static JsonArray charts(JsonObject report, int section) {
        return report.getAsJsonArray("sections").get(section).getAsJsonObject().getAsJsonArray("charts");
    }

    @Test
    void layersReportsF1PerLayerAndKWithTheHeadlineRuleAgreeingAndComposition() throws Exception {
        JsonObject r = run("layers", saes, "layers");
        JsonObject layerChart = charts(r, 0).get(0).getAsJsonObject();
        JsonArray series = layerChart.getAsJsonArray("series");
        assertEquals(List.of("K=1", "K=2", "K=5", "K=10"),
                series.asList().stream().map(s -> s.getAsJsonObject().get("name").getAsString()).toList());
        for (var s : series) {
            assertEquals(3, s.getAsJsonObject().getAsJsonArray("y").size(), "one F1 per layer");
        }
        assertEquals(4, layerChart.getAsJsonArray("markers").size(), "a star per K");
        int chosen = r.getAsJsonObject("provenance").getAsJsonObject("study").get("top1_diff_layer").getAsInt();
        assertEquals(chosen, layerChart.getAsJsonArray("reference_lines").get(0).getAsJsonObject().get("x").getAsInt());
        // the headline evaluation is the same rule as the K=1 point at the top1-diff layer
        JsonObject headline = r.getAsJsonArray("classifiers").get(0).getAsJsonObject();
        assertEquals("rule top-1, layer " + chosen + " (top1-diff choice)", headline.get("name").getAsString());
        double k1 = series.get(0).getAsJsonObject().getAsJsonArray("y").get(chosen).getAsDouble();
        assertEquals(headline.getAsJsonObject("overall").get("f1").getAsDouble(), k1, 1e-12);
        JsonArray composition = charts(r, 1);
        JsonObject gain = composition.get(0).getAsJsonObject();
        List<String> categories = new ArrayList<>(List.of("overall"));
        categories.addAll(LANGS);
        assertEquals(categories, gain.getAsJsonArray("categories").asList().stream().map(e -> e.getAsString()).toList());
        assertEquals(2, gain.getAsJsonArray("series").size(), "m = 2 and m = 3");
        assertEquals(4, figureSvgs("layers", r), "layer F1, top1-diff, gain and F1 charts");
    }

    @Test
    void layersWithTheSingleFixtureLayerSkipsComposition() throws Exception {
        JsonObject r = run("layers", SharedFixtures.path("qwen3-tiny-sae"), "one-layer", "--top-features", "1,5");
        assertEquals(1, r.getAsJsonArray("sections").size(), "no composition section");
        assertEquals(2, figureSvgs("one-layer", r));
        JsonObject chart = charts(r, 0).get(0).getAsJsonObject();
        assertEquals(1, chart.getAsJsonArray("series").get(1).getAsJsonObject().getAsJsonArray("x").size());
        assertEquals(1, chart.getAsJsonArray("series").get(1).getAsJsonObject().getAsJsonArray("x").get(0).getAsInt());
    }

    @Test
    void languagesWritesAJaccardMapPerLayerAndTheTransferTable() throws Exception {
        JsonObject r = run("languages", saes, "languages", "--top-features", "5");
        JsonArray jaccard = charts(r, 0);
        assertEquals(3, jaccard.size(), "one heatmap per layer");
        JsonObject first = jaccard.get(0).getAsJsonObject();
        assertEquals(LANGS, first.getAsJsonArray("rows").asList().stream().map(e -> e.getAsString()).toList());
        for (int i = 0; i < LANGS.size(); i++) {
            assertEquals(1.0, first.getAsJsonArray("values").get(i).getAsJsonArray().get(i).getAsDouble(), 1e-12);
        }
        JsonObject transfer = charts(r, 1).get(0).getAsJsonObject();
        assertEquals(List.of("en", "own language"),
                transfer.getAsJsonArray("rows").asList().stream().map(e -> e.getAsString()).toList());
        // the en row's en cell and the own row's en cell are the same rule
        int en = LANGS.indexOf("en");
        JsonArray values = transfer.getAsJsonArray("values");
        assertEquals(values.get(0).getAsJsonArray().get(en).getAsDouble(),
                values.get(1).getAsJsonArray().get(en).getAsDouble(), 1e-12);
        assertEquals(4, figureSvgs("languages", r));
    }

    @Test
    void curveReportsEachFractionWithTheFullDataReference() throws Exception {
        JsonObject r = run("curve", saes, "curve", "--method", "rule", "--fractions", "0.1,0.5", "--seeds", "2");
        JsonObject study = r.getAsJsonObject("provenance").getAsJsonObject("study");
        assertEquals(3, study.getAsJsonArray("fractions").size(), "1.0 added");
        assertEquals(1.0, study.getAsJsonArray("share_of_full_data_f1").get(2).getAsDouble(), 1e-12);
        JsonObject share = charts(r, 0).get(0).getAsJsonObject();
        assertEquals(100.0, share.getAsJsonArray("series").get(0).getAsJsonObject().getAsJsonArray("y").get(2)
                .getAsDouble(), 1e-9);
        JsonObject fig12 = charts(r, 1).get(0).getAsJsonObject();
        assertEquals(2 + LANGS.size(), fig12.getAsJsonArray("series").size(), "macro-F1, all rows, each language");
        assertEquals("rule on all discovery data",
                r.getAsJsonArray("classifiers").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(2, figureSvgs("curve", r));
    }

    @Test
    void badArgumentsFailWithOneLine() throws Exception {
        var r = CliRunner.run("eval", "languages", "--model", SharedFixtures.path("qwen3-tiny").toString(), "--sae",
                saes.toString(), "--k", "8", "--layers", "1", "--data", train.toString(), "--test", test.toString(),
                "--report", dir.resolve("bad").toString(), "--cache", dir.resolve("cache").toString(),
                "--source-lang", "xx");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("'xx'"), r.err());
        assertTrue(!Files.exists(dir.resolve("bad").resolve("report.json")));
        var m = CliRunner.run("eval", "curve", "--model", "m", "--sae", "s", "--layers", "all", "--data", "a",
                "--test", "b", "--report", dir.resolve("bad2").toString(), "--method", "forest");
        assertEquals(1, m.exit());
        assertTrue(m.err().contains("unknown method 'forest'"), m.err());
    }
}
