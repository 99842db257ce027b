package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.model.QwenTokenizer;

/**
 * One meaning per score column, named tokens, {@code predict}, {@code --input -}, the unseen-language warning and a
 * quiet Tribuo, end to end on the tiny fixture model and the shipped multilingual sample.
 */
class PredictCommandTest {

    /** One entry of {@code top_features}: {@code L1:f23@4" idiot"=0.5}. */
    private static final Pattern ENTRY = Pattern.compile("L(\\d+):f(\\d+)@(\\d+)(\"(?:[^\"\\\\]|\\\\.)*\")=([-0-9.E]+)");

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    static String model;
    static String sae;
    static final Map<String, Path> BUNDLES = new HashMap<>();

    @BeforeAll
    static void trainBundles() throws Exception {
        model = SharedFixtures.path("qwen3-tiny").toString();
        sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        SampleSplit split = SampleSplit.write(dir);
        train = split.train();
        test = split.test();
        for (String method : List.of("rule", "logreg", "svm")) {
            BUNDLES.put(method, train(method, train));
        }
    }

    private static Path train(String method, Path data) {
        Path bundle = dir.resolve(method + "-" + data.getFileName() + ".tsc");
        List<String> args = new ArrayList<>(List.of("train", "--model", model, "--sae", sae, "--k", "8", "--cache",
                dir.resolve("cache").toString(), "--layer", "1", "--data", data.toString(), "--method", method,
                "--output", bundle.toString()));
        if (method.equals("rule")) {
            args.addAll(List.of("--top-features", "10"));
        }
        var t = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, t.exit(), t.err());
        return bundle;
    }

    private static List<TextRecord> read(Path file) throws Exception {
        try (RecordStream s = Corpus.of(file, ColumnMapping.defaults().withoutLabels()).read()) {
            return s.stream().toList();
        }
    }

    @Test
    void everyMethodScoresInTheUnitIntervalWithTheRawScoreAndItsDecisionBeside() throws Exception {
        for (String method : List.of("rule", "logreg", "svm")) {
            Path out = dir.resolve(method + "-raw.csv");
            var l = CliRunner.run("label", "--classifier", BUNDLES.get(method).toString(), "--input", test.toString(),
                    "--output", out.toString(), "--raw-scores");
            assertEquals(0, l.exit(), l.err());
            LabelClassifier c = ClassifierBundle.load(BUNDLES.get(method)).classifiers().get(0);
            List<TextRecord> rows = read(out);
            assertEquals(List.of("id", "text", "lang", "toxic", "toxic_score", "toxic_pred", "top_features",
                    "toxic_raw"), List.copyOf(rows.get(0).fields().keySet()));
            boolean outside = false;
            for (TextRecord r : rows) {
                double score = Double.parseDouble(r.fields().get("toxic_score"));
                double raw = Double.parseDouble(r.fields().get("toxic_raw"));
                assertTrue(score >= 0 && score <= 1, method + " " + r.id() + " score " + score);
                // both columns hold six decimals
                assertEquals(c.scale(raw), score, 1e-5, method + " " + r.id());
                assertEquals(raw >= c.thresholds().of(r.lang()) ? "1" : "0", r.fields().get("toxic_pred"),
                        method + " " + r.id() + ": the decision is the raw score's against the bundle's threshold");
                outside |= raw < 0 || raw > 1;
                if (method.equals("rule")) {
                    assertEquals(Math.rint(raw), raw, "the rule's raw score counts fired features");
                }
            }
            if (method.equals("svm")) {
                assertTrue(outside, "SVM margins leave [0, 1]");
            }
        }
    }

    @Test
    void topFeaturesNameTheTokenEachFeatureFiredOn() throws Exception {
        Path out = dir.resolve("rule-tokens.jsonl");
        var l = CliRunner.run("label", "--classifier", BUNDLES.get("rule").toString(), "--input", test.toString(),
                "--output", out.toString());
        assertEquals(0, l.exit(), l.err());
        int named = 0;
        try (QwenTokenizer tokenizer = QwenTokenizer.open(Path.of(model, "tokenizer.json"))) {
            for (TextRecord r : read(out)) {
                String top = r.fields().get("top_features");
                if (top.isEmpty()) {
                    continue;
                }
                int[] ids = tokenizer.encode(r.text());
                for (String entry : top.split(";")) {
                    Matcher m = ENTRY.matcher(entry);
                    assertTrue(m.matches(), entry);
                    String token = JsonParser.parseString(m.group(4)).getAsString();
                    assertEquals(tokenizer.token(ids[Integer.parseInt(m.group(3))]), token, r.id() + " " + entry);
                    named++;
                }
            }
        }
        assertTrue(named > 0, "some row was explained");
    }

    @Test
    void predictPrintsTheScoresLabelWritesForEachText() throws Exception {
        Path labelled = dir.resolve("logreg-labelled.jsonl");
        var l = CliRunner.run("label", "--classifier", BUNDLES.get("logreg").toString(), "--input", test.toString(),
                "--output", labelled.toString());
        assertEquals(0, l.exit(), l.err());
        List<TextRecord> rows = read(labelled);
        String first = rows.get(0).text();
        String second = rows.get(1).text();

        var p = CliRunner.run("predict", "--classifier", BUNDLES.get("logreg").toString(), first, second);
        assertEquals(0, p.exit(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(2, lines.size(), p.out());
        for (int i = 0; i < 2; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            TextRecord r = rows.get(i);
            assertEquals(r.text(), o.get("text").getAsString());
            assertEquals(Double.parseDouble(r.fields().get("toxic_score")), o.get("toxic_score").getAsDouble(), 1e-9);
            assertEquals(Integer.parseInt(r.fields().get("toxic_pred")), o.get("toxic").getAsInt());
            assertEquals(r.fields().get("top_features"), o.get("top_features").getAsString());
        }

        var table = CliRunner.run("predict", "--classifier", BUNDLES.get("logreg").toString(), "--format", "table",
                first);
        assertEquals(0, table.exit(), table.err());
        List<String> tableLines = table.out().lines().toList();
        assertEquals(2, tableLines.size(), table.out());
        assertTrue(tableLines.get(0).startsWith("toxic") && tableLines.get(0).endsWith("text"), tableLines.get(0));
        double score = Double.parseDouble(rows.get(0).fields().get("toxic_score"));
        assertTrue(tableLines.get(1).startsWith(String.format(Locale.ROOT, "%.3f", score)), tableLines.get(1));

        var neither = CliRunner.run("predict", "--classifier", BUNDLES.get("logreg").toString());
        assertTrue(neither.exit() != 0 && neither.err().contains("give texts to score or --input"), neither.err());
    }

    @Test
    void standardInputIsReadAsTextLinesOrJsonLines() throws Exception {
        Path bundle = BUNDLES.get("logreg");
        List<TextRecord> rows = read(test);
        String texts = rows.get(0).text() + "\n\n" + rows.get(1).text() + "\n";
        List<String> plain = withStdin(texts, () -> run("predict", "--classifier", bundle.toString(), "--input", "-")).lines().toList();
        assertEquals(2, plain.size(), "a blank line is no text: " + plain);
        assertEquals(rows.get(1).text(), JsonParser.parseString(plain.get(1)).getAsJsonObject().get("text")
                .getAsString());

        String jsonl = Files.readAllLines(test).subList(0, 3).stream().reduce("", (a, b) -> a + b + "\n");
        List<String> json = withStdin(jsonl, () -> run("predict", "--classifier", bundle.toString(), "--input", "-")).lines().toList();
        assertEquals(3, json.size());
        assertEquals(rows.get(2).id(), JsonParser.parseString(json.get(2)).getAsJsonObject().get("id").getAsString());

        Path out = dir.resolve("stdin-labelled.csv");
        var l = withStdin(jsonl, () -> CliRunner.run("label", "--classifier", bundle.toString(), "--input", "-",
                "--output", out.toString()));
        assertEquals(0, l.exit(), l.err());
        List<TextRecord> labelled = read(out);
        assertEquals(3, labelled.size());
        assertEquals(List.of("id", "text", "lang", "toxic", "toxic_score", "toxic_pred", "top_features"),
                List.copyOf(labelled.get(0).fields().keySet()));
        assertEquals(JsonParser.parseString(json.get(0)).getAsJsonObject().get("toxic_score").getAsDouble(),
                Double.parseDouble(labelled.get(0).fields().get("toxic_score")), 1e-9);

        var resume = withStdin(jsonl, () -> CliRunner.run("label", "--classifier", bundle.toString(), "--input", "-",
                "--output", dir.resolve("stdin-again.csv").toString(), "--resume"));
        assertTrue(resume.exit() != 0 && resume.err().contains("standard input (--input -) cannot be read twice"),
                resume.err());
    }

    @Test
    void labellingALanguageTheBundleNeverSawWarnsOncePerLanguage() throws Exception {
        List<String> english = Files.readAllLines(train).stream().filter(line -> line.contains("\"lang\":\"en\""))
                .toList();
        Path enOnly = Files.write(dir.resolve("train-en.jsonl"), english);
        Path bundle = train("logreg", enOnly);
        assertEquals(Set.of("en"), ClassifierBundle.load(bundle).provenance().languages());
        var l = CliRunner.runWithSystemErr("label", "--classifier", bundle.toString(), "--input", test.toString(),
                "--output", dir.resolve("en-only-labelled.csv").toString());
        assertEquals(0, l.exit(), l.err());
        for (String lang : List.of("ar", "de", "es", "fr", "ru", "zh")) {
            String warning = "is in language '" + lang + "', which";
            assertEquals(1, l.err().split(Pattern.quote(warning), -1).length - 1, lang + ": " + l.err());
        }
        assertTrue(!l.err().contains("language 'en'"), l.err());
        assertTrue(l.err().contains("not trained on (its training data holds en)"), l.err());

        var all = CliRunner.runWithSystemErr("label", "--classifier", BUNDLES.get("logreg").toString(), "--input",
                test.toString(), "--output", dir.resolve("all-labelled.csv").toString());
        assertEquals(0, all.exit(), all.err());
        assertTrue(!all.err().contains("was not trained on"), all.err());
    }

    @Test
    void trainingThroughTheCliLogsNoTribuoInfoLines() {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger tribuo = Logger.getLogger("org.tribuo");
        tribuo.addHandler(capture);
        try {
            train("svm", test);
        } finally {
            tribuo.removeHandler(capture);
        }
        assertTrue(logged.stream().noneMatch(r -> r.getLevel().intValue() < Level.WARNING.intValue()),
                logged.stream().map(LogRecord::getMessage).toList().toString());
    }

    /** The stdout of a command that exits 0. */
    private static String run(String... args) {
        var r = CliRunner.run(args);
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T withStdin(String content, Call<T> body) throws Exception {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        try {
            return body.call();
        } finally {
            System.setIn(original);
        }
    }
}
