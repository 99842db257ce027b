package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.toxiscope.features.io.TestBuffers.f32;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

class TensorSourceTest {

    @TempDir
    Path tmp;

    @Test
    void loadsIntoDjlMemoryInRowBlocks() throws IOException {
        Path p = tmp.resolve("m.safetensors");
        new SafetensorsWriter().add("e", "BF16", new long[] {5, 2},
                TestBuffers.u16(0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0, 0x40e0, 0x4100, 0x4110, 0x4120))
                .addF32("s", new long[] {}, 2.5f)
                .addF32("z", new long[] {0, 3}).write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            float[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            NDArray whole = f.loadF32(m, "e");
            assertEquals(new Shape(5, 2), whole.getShape());
            assertEquals(DataType.FLOAT32, whole.getDataType());
            assertArrayEquals(expected, whole.toFloatArray());
            // blocks of 2 rows (4 floats): rows [0,2), [2,4), [4,5) land in slices of one array
            NDArray blocks = m.create(new Shape(5, 2), DataType.FLOAT32);
            f.fillF32(blocks, "e", new long[] {5, 2}, 4);
            assertArrayEquals(expected, blocks.toFloatArray());
            assertArrayEquals(new float[] {2.5f}, f.loadF32(m, "s").toFloatArray());
            assertEquals(new Shape(0, 3), f.loadF32(m, "z").getShape());
        }
    }

    @Test
    void loadsTorchTensorsIncludingStridedViews() throws IOException {
        Path p = tmp.resolve("t.pt");
        byte[] pickle = new PickleBytes().proto().op('}').op('(')
                .str("t").tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3})
                .op('u').op('.').bytes();
        new TorchZip("t").entry("data.pkl", pickle).entry("data/0", f32(0, 1, 2, 3, 4, 5)).write(p, true);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, ckpt.loadF32(m, "t").toFloatArray());
            NDArray blocks = m.create(new Shape(3, 2), DataType.FLOAT32);
            ckpt.fillF32(blocks, "t", new long[] {3, 2}, 2);
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, blocks.toFloatArray());
        }
    }

    @Test
    void loadsTheGoldenEmbeddingExactly() throws IOException {
        try (CheckpointWeights w = CheckpointWeights.open(SharedFixtures.path("qwen3-tiny"));
                NDManager m = NDManager.newBaseManager()) {
            NDArray e = w.loadF32(m, "model.embed_tokens.weight");
            assertEquals(new Shape(151936, 64), e.getShape());
            float[] row1 = e.get(1).toFloatArray();
            assertEquals(0.07421875f, row1[0]);
            assertEquals(-0.087890625f, e.get(151935).toFloatArray()[63]);
        }
    }
}
