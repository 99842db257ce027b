package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

/**
 * textdetox/multilingual_toxicity_dataset as the Hugging Face hub cache stores it (refs/main, a snapshot of links
 * into blobs, data/&lt;lang&gt;-00000-of-00001.parquet with text and an int64 toxic), used by its id: train on the
 * English split, label every language to Parquet, and read the output's column types back.
 */
class TextdetoxLayoutTest {

    private static final String REV = "0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5";
    private static final String ID = "textdetox/multilingual_toxicity_dataset";
    private static final Duration BOUND = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    static Map<String, String> env;

    private static Connection duckdb() throws Exception {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** One language's Parquet file, stored as huggingface_hub stores it: a blob, linked from the snapshot. */
    private static void language(Path repo, String lang, List<String> texts, List<Integer> toxic) throws Exception {
        Path blob = Files.createDirectories(repo.resolve("blobs")).resolve(lang + "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        StringJoiner rows = new StringJoiner(", ");
        for (int i = 0; i < texts.size(); i++) {
            rows.add("(" + literal(texts.get(i)) + ", " + toxic.get(i) + "::BIGINT)");
        }
        try (Connection c = duckdb(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES " + rows + ") t(text, toxic)) TO " + literal(blob.toString())
                    + " (FORMAT parquet)");
        }
        Path link = Files.createDirectories(repo.resolve("snapshots").resolve(REV).resolve("data"))
                .resolve(lang + "-00000-of-00001.parquet");
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }

    @BeforeAll
    static void hubCache() throws Exception {
        Path hub = dir.resolve("hub");
        Path repo = hub.resolve("datasets--textdetox--multilingual_toxicity_dataset");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), REV + "\n");
        List<String> en = new ArrayList<>();
        List<Integer> enToxic = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            boolean toxic = i % 2 == 1;
            en.add(toxic ? "you are a stupid idiot number " + i : "thank you for the kind help number " + i);
            enToxic.add(toxic ? 1 : 0);
        }
        language(repo, "en", en, enToxic);
        language(repo, "de", List.of("danke schön", "du bist ein Idiot"), List.of(0, 1));
        language(repo, "uk", List.of("дякую", "ти дурень"), List.of(0, 1));
        env = Map.of("HF_HUB_CACHE", hub.toString());
    }

    private static Map<String, String> schema(Path parquet) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = duckdb(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal(parquet.toString()) + ")")) {
            while (r.next()) {
                out.put(r.getString("column_name"), r.getString("column_type"));
            }
        }
        return out;
    }

    @Test
    void trainOnTheEnglishSplitAndLabelEveryLanguageToTypedParquet() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        Path bundle = dir.resolve("textdetox.tsc");
        ChildCli.Result train = ChildCli.run(dir, "1g", BOUND, env, "train", "--model", model, "--sae", sae,
                "--k", "8", "--layer", "1", "--cache", dir.resolve("cache").toString(), "--data", ID + "/en",
                "--method", "logreg", "--output", bundle.toString());
        assertEquals(0, train.exit(), train.err());

        Path out = dir.resolve("labelled.parquet");
        ChildCli.Result label = ChildCli.run(dir, "1g", BOUND, env, "label", "--classifier", bundle.toString(),
                "--input", ID, "--output", out.toString());
        assertEquals(0, label.exit(), label.err());
        assertTrue(label.err().contains("'toxic'; the prediction is written as 'toxic_pred'"), label.err());

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("text", "VARCHAR");
        expected.put("toxic", "BIGINT");
        expected.put("toxic_score", "DOUBLE");
        expected.put("toxic_pred", "INTEGER");
        expected.put("top_features", "VARCHAR[]");
        assertEquals(expected, schema(out));
        try (Connection c = duckdb(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*), sum(toxic), min(toxic_score) >= 0, max(toxic_score) <= 1, "
                     + "bool_and(toxic_pred IN (0, 1)), bool_and(toxic_pred = 0 OR len(top_features) > 0) FROM "
                     + "read_parquet(" + literal(out.toString()) + ")")) {
            r.next();
            assertEquals(20, r.getLong(1)); // de 2 + en 16 + uk 2: every language, the input's int64 labels kept
            assertEquals(10, r.getLong(2));
            assertTrue(r.getBoolean(3) && r.getBoolean(4) && r.getBoolean(5) && r.getBoolean(6));
        }
    }

    @Test
    void anIdNotInTheCacheFailsInOneLineListingWhereItLooked() throws Exception {
        ChildCli.Result r = ChildCli.run(dir, "256m", BOUND, env, "data", "stats", "--input", "textdetox/nowhere");
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(dir.resolve("hub").resolve("datasets--textdetox--nowhere")
                + " (from $HF_HUB_CACHE)"), r.err());
        assertTrue(r.err().contains("the path " + dir.resolve("textdetox/nowhere")), r.err());
    }
}
