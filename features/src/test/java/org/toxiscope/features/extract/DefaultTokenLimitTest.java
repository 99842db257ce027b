package org.toxiscope.features.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

/**
 * With no token limit given, texts are cut at the model's {@code max_position_embeddings} and counted, and the
 * session's settings show the limit it applied; a limit given explicitly still wins.
 */
class DefaultTokenLimitTest {

    private static final String LONG_TEXT = "the quick brown fox jumps over the lazy dog ".repeat(20);

    @TempDir
    Path temp;

    @Test
    void noLimitGivenCutsAtMaxPositionEmbeddingsAndCounts() throws Exception {
        Path model = tinyModel("\"max_position_embeddings\": 16");
        try (FeatureSession session = FeatureSession.open(spec(model, 0))) {
            assertEquals(16, session.spec().maxTokens());
            TextFeatures[] out = session.extract(List.of(LONG_TEXT, "short"), false);
            assertEquals(16, out[0].tokenIds().length);
            assertTrue(out[0].truncated());
            assertFalse(out[1].truncated());
            assertEquals(1, session.truncatedCount());
        }
    }

    @Test
    void anExplicitLimitWins() throws Exception {
        Path model = tinyModel("\"max_position_embeddings\": 16");
        try (FeatureSession session = FeatureSession.open(spec(model, 40))) {
            assertEquals(40, session.spec().maxTokens());
            assertEquals(40, session.extract(List.of(LONG_TEXT), false)[0].tokenIds().length);
        }
    }

    @Test
    void aConfigWithoutTheFieldLeavesTextsWhole() throws Exception {
        Path model = tinyModel(null);
        try (FeatureSession session = FeatureSession.open(spec(model, 0))) {
            assertEquals(0, session.spec().maxTokens());
            TextFeatures[] out = session.extract(List.of(LONG_TEXT), false);
            assertFalse(out[0].truncated());
            assertEquals(0, session.truncatedCount());
        }
    }

    @Test
    void aNonIntegerMaxPositionEmbeddingsIsRefusedNamingTheField() throws Exception {
        Path model = tinyModel("\"max_position_embeddings\": \"lots\"");
        IOException e = assertThrows(IOException.class, () -> FeatureSession.open(spec(model, 0)));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("max_position_embeddings"),
                e.getMessage());
    }

    private static SessionSpec spec(Path model, int maxTokens) {
        return SessionSpec.of(model.toString(), SharedFixtures.path("qwen3-tiny-sae").toString(), List.of(1))
                .withSae(8, null).withExtraction(Pooling.MAX, maxTokens, 4096, 8);
    }

    /** A copy of the tiny fixture whose config.json has {@code field} as its max_position_embeddings (none: null). */
    private Path tinyModel(String field) throws IOException {
        Path fixture = SharedFixtures.path("qwen3-tiny");
        Path model = temp.resolve("model");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        Path config = model.resolve("config.json");
        String json = Files.readString(config);
        String edited = json.replaceAll("\"max_position_embeddings\"\\s*:\\s*\\d+,?", field == null ? "" : field + ",");
        assertTrue(!edited.equals(json), "the fixture's config.json names max_position_embeddings");
        config.toFile().setWritable(true);
        Files.writeString(config, edited);
        return model;
    }
}
