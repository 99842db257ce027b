package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.common.HeadlessBrowser;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.synthesize.FiringSets;
import org.toxiscope.synthesize.SamplingCurve;
import org.toxiscope.synthesize.Target;

/**
 * The report's three-way comparison on the demo model: feature-driven and random synthesis ({@code --strategy
 * random}: the same generator and number of candidates per target, alpha 0, every candidate kept) for a logreg
 * bundle's features, then {@code synthesize coverage} with both outputs; every curve of its {@code cov_vs_budget}
 * figure is recomputed here from the records' texts (encoded in a session of the test's own) and the corpus, and
 * the page's figure is rendered in headless Chromium (screenshot in {@code target/chromium/}). Also: describe's
 * explanations carry the Query Lens.
 */
class SynthesisComparisonTest {

    private static final int TARGETS = 3;
    private static final int PER_TARGET = 2;

    @TempDir
    static Path dir;

    private static DemoBundle demo;

    @BeforeAll
    static void demoBundle() throws Exception {
        demo = DemoBundle.make(dir);
    }

    private static CliRunner.Run synthesize(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("synthesize", "--classifier", demo.bundle().toString(), "--model",
                demo.model(), "--sae", demo.sae(), "--top-n", String.valueOf(TARGETS),
                "--samples-per-feature", String.valueOf(PER_TARGET), "--max-new-tokens", "6", "--output",
                out.toString()));
        args.addAll(List.of(more));
        return CliRunner.runWithSystemErr(args.toArray(String[]::new));
    }

    @Test
    void coverageFigureMatchesTheRecordsRecomputed() throws Exception {
        Path feature = dir.resolve("feature.jsonl");
        Path random = dir.resolve("random.jsonl");
        CliRunner.Run f = synthesize(feature, "--generator", "steer", "--alpha", "20,100", "--max-tries", "8",
                "--batch", "4");
        assertEquals(0, f.exit(), f.err());
        CliRunner.Run r = synthesize(random, "--generator", "steer", "--alpha", "20,100", "--max-tries", "8", "--batch",
                "4", "--strategy", "random");
        assertEquals(0, r.exit(), r.err());
        List<JsonObject> randomRecords = records(random);
        assertEquals(TARGETS * PER_TARGET, randomRecords.size(), "every candidate of every slot kept");
        for (JsonObject o : randomRecords) {
            assertEquals(0.0, o.get("alpha").getAsDouble(), "random synthesis steers by nothing");
            assertTrue(o.get("explanation").isJsonNull(), "no feature explained to an untargeted generator");
        }
        JsonObject randomReport = JsonParser.parseString(Files.readString(dir.resolve("random.coverage.json")))
                .getAsJsonObject();
        assertEquals("random", randomReport.getAsJsonObject("provenance").get("strategy").getAsString());

        List<Target> targets = new ArrayList<>();
        StringBuilder targetFile = new StringBuilder();
        for (JsonElement t : randomReport.getAsJsonArray("per_target")) {
            JsonObject o = t.getAsJsonObject();
            targets.add(new Target(new FeatureRef(o.get("layer").getAsInt(), o.get("feature").getAsInt()), Double.NaN,
                    "test"));
            targetFile.append(o.get("layer").getAsInt()).append(':').append(o.get("feature").getAsInt()).append('\n');
        }
        Path targetsPath = Files.writeString(dir.resolve("targets.txt"), targetFile);
        Path out = dir.resolve("cov.json");
        CliRunner.Run cov = CliRunner.runWithSystemErr("synthesize", "coverage", "--model", demo.model(), "--sae",
                demo.sae(), "--dtype", "f32", "--targets", targetsPath.toString(), "--data", demo.corpus().toString(),
                "--synthesized", feature.toString(), "--random", random.toString(), "--output", out.toString());
        assertEquals(0, cov.exit(), cov.err());
        JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonObject curves = report.getAsJsonObject("cov_vs_budget");
        assertEquals(List.of("natural sampling", "random synthesis", "feature-driven synthesis"),
                new ArrayList<>(curves.keySet()));

        List<String> corpusTexts = new ArrayList<>();
        try (RecordStream s = Corpus.of(demo.corpus(), ColumnMapping.defaults()).read()) {
            s.forEach(t -> corpusTexts.add(t.text()));
        }
        Map<String, List<String>> texts = Map.of("natural sampling", corpusTexts,
                "random synthesis", randomRecords.stream().map(o -> o.get("text").getAsString()).toList(),
                "feature-driven synthesis", records(feature).stream().map(o -> o.get("text").getAsString()).toList());
        Gson gson = new Gson();
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(demo.model(), demo.sae(), List.of(1))
                .withDtype("f32"))) {
            for (String name : curves.keySet()) {
                FiringSets sets = firing(session, targets, texts.get(name));
                JsonObject c = curves.getAsJsonObject(name);
                int[] budgets = gson.fromJson(c.get("budgets"), int[].class);
                long[] seeds = gson.fromJson(c.get("seeds"), long[].class);
                assertEquals(texts.get(name).size(), budgets[budgets.length - 1], name + ": up to the whole set");
                SamplingCurve expected = SamplingCurve.of(sets, budgets, seeds);
                double[][] got = gson.fromJson(c.get("cov"), double[][].class);
                for (int s = 0; s < seeds.length; s++) {
                    assertArrayEquals(expected.cov()[s], got[s], 1e-12, name + " seed " + seeds[s]);
                }
                double whole = covered(sets) / (double) targets.size();
                assertEquals(whole, expected.mean()[budgets.length - 1], 1e-12, name + ": Cov of the whole set");
            }
        }
        // Every set's size is a budget of natural sampling, so the sets compare at equal budgets.
        int[] natural = gson.fromJson(curves.getAsJsonObject("natural sampling").get("budgets"), int[].class);
        for (String name : List.of("random synthesis", "feature-driven synthesis")) {
            int size = texts.get(name).size();
            assertTrue(Arrays.stream(natural).anyMatch(b -> b == size), name + " size " + size);
        }
        try (HeadlessBrowser browser = HeadlessBrowser.start(1200, 900)) {
            browser.open(dir.resolve("cov.html").toUri());
            Object figure = browser.script("return Array.from(document.querySelectorAll('svg.chart > title'))"
                    + ".filter(t => t.textContent === 'Cov vs budget').map(t => t.parentNode.textContent)[0] || '';");
            for (String name : curves.keySet()) {
                assertTrue(figure.toString().contains(name), name + " in the figure's legend: " + figure);
            }
            assertEquals(List.of(), browser.severeMessages());
            browser.screenshot(Path.of("target", "chromium", "coverage-comparison.png"));
        }
    }

    @Test
    void describeExplainsItsTargetsWithTheQueryLens() throws Exception {
        // A seed corpus of a few texts the bundle's features were not found on, so that they are synthesized for.
        Path seed = Files.writeString(dir.resolve("seed.jsonl"), "{\"text\":\"a\"}\n{\"text\":\"b b\"}\n");
        Path out = dir.resolve("describe.jsonl");
        CliRunner.Run run = synthesize(out, "--generator", "describe", "--seed-corpus", seed.toString(),
                "--styles", "roleplay", "--lens-texts", "2", "--max-tries", "2", "--batch", "1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("synthesize: query lens: 2 records"), run.err());
        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("describe.coverage.json")))
                .getAsJsonObject();
        List<String> missing = new ArrayList<>();
        report.getAsJsonObject("corpus").getAsJsonArray("missing").forEach(m -> missing.add(m.getAsString()));
        assertTrue(!missing.isEmpty(), report.toString());
        for (JsonElement t : report.getAsJsonArray("per_target")) {
            JsonObject o = t.getAsJsonObject();
            if (missing.contains(o.get("target").getAsString())) {
                String explanation = o.get("explanation").getAsString();
                assertTrue(explanation.contains("; query lens key: '") && explanation.contains("; query lens value: '"),
                        explanation);
            }
        }
        for (JsonObject r : records(out)) {
            assertTrue(r.get("explanation").getAsString().contains("query lens key"), r.toString());
        }
    }

    /** Which texts fire each target: the max-pooled activation above 0, as coverage defines it. */
    private static FiringSets firing(FeatureSession session, List<Target> targets, List<String> texts)
            throws Exception {
        List<List<Integer>> hits = new ArrayList<>();
        targets.forEach(t -> hits.add(new ArrayList<>()));
        List<Map<Integer, SparseVector>> pooled = session.pooled(texts);
        for (int i = 0; i < texts.size(); i++) {
            for (int t = 0; t < targets.size(); t++) {
                if (pooled.get(i).get(targets.get(t).layer()).get(targets.get(t).feature()) > 0) {
                    hits.get(t).add(i);
                }
            }
        }
        List<int[]> examples = hits.stream().map(h -> h.stream().mapToInt(Integer::intValue).toArray()).toList();
        return FiringSets.of(targets, examples, texts.size());
    }

    private static int covered(FiringSets sets) {
        int n = 0;
        for (int t = 0; t < sets.targets().size(); t++) {
            n += sets.support(t) > 0 ? 1 : 0;
        }
        return n;
    }

    private static List<JsonObject> records(Path jsonl) throws Exception {
        return Files.readAllLines(jsonl).stream().filter(l -> !l.isBlank())
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }
}
