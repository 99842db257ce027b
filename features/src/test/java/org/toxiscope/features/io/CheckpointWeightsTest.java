package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

class CheckpointWeightsTest {

    @TempDir
    Path tmp;

    private void writeIndex(String weightMap) throws IOException {
        Files.writeString(tmp.resolve(CheckpointWeights.INDEX_FILE),
                "{\"metadata\":{\"total_size\":24},\"weight_map\":{" + weightMap + "}}");
    }

    private void writeTwoShards() throws IOException {
        new SafetensorsWriter().addF32("layers.0.w", new long[] {2}, 1, 2).addF32("embed", new long[] {1}, 7)
                .write(tmp.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().add("layers.1.w", "BF16", new long[] {2}, TestBuffers.u16(0x4040, 0x4080))
                .write(tmp.resolve("model-00002-of-00002.safetensors"));
        writeIndex("\"layers.0.w\":\"model-00001-of-00002.safetensors\","
                + "\"embed\":\"model-00001-of-00002.safetensors\","
                + "\"layers.1.w\":\"model-00002-of-00002.safetensors\"");
    }

    @Test
    void readsAShardedCheckpoint() throws IOException {
        writeTwoShards();
        try (CheckpointWeights w = CheckpointWeights.open(tmp)) {
            assertEquals(Set.of("layers.0.w", "embed", "layers.1.w"), w.names());
            assertTrue(w.has("embed"));
            assertFalse(w.has("lm_head.weight"));
            assertEquals(2f, w.readF32("layers.0.w").getFloat(4));
            assertEquals(4f, w.readF32("layers.1.w").getFloat(4));
            assertEquals("BF16", w.info("layers.1.w").dtype());
            assertThrows(IllegalArgumentException.class, () -> w.readF32("lm_head.weight"));
        }
    }

    @Test
    void opensShardsOnlyWhenTheirTensorsAreRead() throws IOException {
        writeTwoShards();
        Files.write(tmp.resolve("model-00002-of-00002.safetensors"), new byte[] {0});
        try (CheckpointWeights w = CheckpointWeights.open(tmp)) {
            assertEquals(1f, w.readF32("layers.0.w").getFloat(0));
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> w.readF32("layers.1.w"));
            assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
        }
    }

    @Test
    void rejectsIndexEntriesOutsideTheFolderOrMissing() throws IOException {
        writeIndex("\"a\":\"../evil.safetensors\"");
        MalformedFileException bad = assertThrows(MalformedFileException.class, () -> CheckpointWeights.open(tmp));
        assertTrue(bad.getMessage().contains("'a'") && bad.getMessage().contains("not a file name"));
        writeIndex("\"a\":\"gone.safetensors\"");
        FileNotFoundException gone = assertThrows(FileNotFoundException.class, () -> CheckpointWeights.open(tmp));
        assertTrue(gone.getMessage().contains("gone.safetensors"));
        Files.writeString(tmp.resolve(CheckpointWeights.INDEX_FILE), "{\"weight_map\":");
        assertTrue(assertThrows(MalformedFileException.class, () -> CheckpointWeights.open(tmp)).getMessage()
                .contains("not valid JSON"));
    }

    @Test
    void reportsAnIndexThatNamesTheWrongShard() throws IOException {
        writeTwoShards();
        writeIndex("\"layers.1.w\":\"model-00001-of-00002.safetensors\"");
        try (CheckpointWeights w = CheckpointWeights.open(tmp)) {
            assertTrue(assertThrows(MalformedFileException.class, () -> w.info("layers.1.w")).getMessage()
                    .contains("has no such tensor"));
        }
    }

    @Test
    void opensASingleFileFolderAndAnEmptyOne() throws IOException {
        assertThrows(FileNotFoundException.class, () -> CheckpointWeights.open(tmp));
        try (CheckpointWeights w = CheckpointWeights.open(SharedFixtures.path("qwen3-tiny"))) {
            assertTrue(w.has("model.layers.2.mlp.down_proj.weight"));
            assertEquals(64 * 4, w.readF32("model.norm.weight").remaining());
        }
    }
}
