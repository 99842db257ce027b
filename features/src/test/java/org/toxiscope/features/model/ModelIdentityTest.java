package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.CheckpointCopies;
import org.toxiscope.features.SharedFixtures;

/** The identity of what a checkpoint computes with: its weights' digest and its tokenizer's sha256. */
class ModelIdentityTest {

    static final String CHANGED = "model.layers.0.input_layernorm.weight";

    @TempDir
    Path temp;

    @Test
    void weightsDigestTellsApartTheSameConfigWithOtherWeightsAndTokenizerDigestAnotherTokenizer() throws Exception {
        Path fixture = SharedFixtures.path("qwen3-tiny");
        Path a = CheckpointCopies.copy(fixture, temp.resolve("a"), null, 1f);
        Path again = CheckpointCopies.copy(fixture, temp.resolve("again"), null, 1f);
        Path other = CheckpointCopies.copy(fixture, temp.resolve("other"), CHANGED, 2f);
        Path tokenizer = CheckpointCopies.copy(fixture, temp.resolve("tokenizer"), null, 1f);
        Files.writeString(tokenizer.resolve("tokenizer.json"), "\n", java.nio.file.StandardOpenOption.APPEND);
        try (ModelCheckpoint ca = ModelCheckpoint.open(a.toString());
             ModelCheckpoint cAgain = ModelCheckpoint.open(again.toString());
             ModelCheckpoint cOther = ModelCheckpoint.open(other.toString());
             ModelCheckpoint cTok = ModelCheckpoint.open(tokenizer.toString())) {
            assertEquals(ca.configSha256(), cOther.configSha256(), "same config.json");
            assertEquals(Files.size(a.resolve("model.safetensors")), Files.size(other.resolve("model.safetensors")));
            assertEquals(ca.weightsDigest(), cAgain.weightsDigest(), "the same weights in another folder");
            assertNotEquals(ca.weightsDigest(), cOther.weightsDigest(), CHANGED + " doubled");
            assertEquals(ca.tokenizerSha256(), cOther.tokenizerSha256());
            assertNotEquals(ca.tokenizerSha256(), cTok.tokenizerSha256(), "another tokenizer.json");
            assertEquals(ca.weightsDigest(), cTok.weightsDigest());
            assertEquals(ca.weightsDigest(), ca.weightsDigest(), "stable across calls");
        }
    }
}
