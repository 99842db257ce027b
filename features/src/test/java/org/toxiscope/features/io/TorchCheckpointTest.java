package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.features.io.TestBuffers.floats;
import static org.toxiscope.features.io.TestBuffers.f32;
import static org.toxiscope.features.io.TestBuffers.u16;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.SharedFixtures;

class TorchCheckpointTest {

    @TempDir
    Path tmp;

    private MalformedFileException rejected(TorchZip zip) throws IOException {
        Path p = tmp.resolve("layer1.sae.pt");
        zip.write(p, true);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        return e;
    }

    /** A one-tensor state dict {'w': tensor} whose storage '0' has {@code numel} float32 elements. */
    private static PickleBytes oneTensor(long numel, long offset, long[] size, long[] stride) {
        return new PickleBytes().proto().op('}').op('(').str("w")
                .tensor("FloatStorage", "0", numel, offset, size, stride).op('u').op('.');
    }

    @Test
    void readsTheRealQwenScopeFixture() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt"))) {
            assertEquals(List.of("W_enc", "W_dec", "b_enc", "b_dec"), List.copyOf(ckpt.names()));
            assertArrayEquals(new long[] {512, 64}, ckpt.tensor("W_enc").shape());
            assertArrayEquals(new long[] {64, 512}, ckpt.tensor("W_dec").shape());
            assertEquals(TensorDtype.F32, ckpt.tensor("b_enc").dtype());
            float[] wEnc = floats(ckpt.readF32("W_enc"));
            assertEquals(512 * 64, wEnc.length);
            // Expected values read with python3 zipfile + struct from the same file.
            assertEquals(-0.03348185867071152f, wEnc[0]);
            assertEquals(-0.12123025208711624f, wEnc[1]);
            assertEquals(-0.05804331973195076f, wEnc[64 * 511 + 63]);
            assertEquals(-0.13908739387989044f, floats(ckpt.readF32("W_dec"))[1]);
            assertEquals(0.0027635153383016586f, floats(ckpt.readF32("b_enc"))[511]);
            assertEquals(-0.030744442716240883f, floats(ckpt.readF32("b_dec"))[63]);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsViewsNestedDictsAndHalfTypes(boolean stored) throws IOException {
        byte[] pickle = new PickleBytes().proto().op('}').op('(')
                .str("t").tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3})
                .str("row").tensor("FloatStorage", "0", 6, 3, new long[] {3}, new long[] {1})
                .str("inner").op('}').op('(')
                .str("bf").tensor("BFloat16Storage", "1", 2, 0, new long[] {2}, new long[] {1})
                .str("h").tensor("HalfStorage", "2", 2, 1, new long[] {1}, new long[] {1})
                .str("scalar").integer(7)
                .op('u')
                .op('u').op('.').bytes();
        Path p = tmp.resolve("m.pt");
        new TorchZip("archive").entry("data.pkl", pickle).entry("byteorder", "little".getBytes(StandardCharsets.UTF_8))
                .entry("data/0", f32(0, 1, 2, 3, 4, 5)).entry("data/1", u16(0x3f80, 0xc0a0))
                .entry("data/2", u16(0x3c00, 0x7bff)).entry(".data/serialization_id", "123".getBytes())
                .write(p, stored);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            assertEquals(List.of("t", "row", "inner.bf", "inner.h"), List.copyOf(ckpt.names()));
            assertFalse(ckpt.tensor("t").isContiguous());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, floats(ckpt.readF32("t")));
            assertArrayEquals(new float[] {3, 4, 5}, floats(ckpt.readF32("row")));
            assertArrayEquals(new float[] {1, -5}, floats(ckpt.readF32("inner.bf")));
            assertArrayEquals(new float[] {65504}, floats(ckpt.readF32("inner.h")));
            assertThrows(IllegalArgumentException.class, () -> ckpt.tensor("scalar"));
        }
    }

    @ParameterizedTest
    @CsvSource({"os,system", "posix,system", "nt,system", "subprocess,Popen", "subprocess,check_output",
            "builtins,exec", "builtins,eval", "builtins,getattr", "__builtin__,eval", "torch,load"})
    void refusesGlobalsOutsideTheAllowlistBeforeRunningAnything(String module, String name) throws IOException {
        Path marker = tmp.resolve("marker");
        byte[] pickle = new PickleBytes().proto().op('}').op('(')
                .str("w").tensor("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1})
                .str("x").global(module, name).op('(').str("touch " + marker).op('t').op('R')
                .op('u').op('.').bytes();
        MalformedFileException e = rejected(new TorchZip("layer1.sae").entry("data.pkl", pickle)
                .entry("data/0", f32(1)));
        assertTrue(e.getMessage().contains("pickle global '" + module + "." + name + "' is not allowed (a tensor"
                + " state dict needs only"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesStackGlobalOutsideTheAllowlist() throws IOException {
        byte[] pickle = new PickleBytes().op(0x80).op(4).op(0x8c).op(2).op('o').op('s').op(0x8c).op(6)
                .op('s').op('y').op('s').op('t').op('e').op('m').op(0x93).op('(').str("id").op('t').op('R').op('.')
                .bytes();
        MalformedFileException e = rejected(new TorchZip("x").entry("data.pkl", pickle));
        assertTrue(e.getMessage().contains("pickle global 'os.system' is not allowed"), e.getMessage());
    }

    @Test
    void refusesOpcodesATensorDictDoesNotNeed() throws IOException {
        byte[] inst = new PickleBytes().proto().op('(').op('i').bytes();
        assertTrue(rejected(new TorchZip("x").entry("data.pkl", inst)).getMessage().contains("opcode 0x69 is not"
                + " supported"));
    }

    @Test
    void refusesAStorageLargerThanItsEntry() throws IOException {
        MalformedFileException e = rejected(new TorchZip("layer1.sae")
                .entry("data.pkl", oneTensor(100, 0, new long[] {100}, new long[] {1}).bytes()).entry("data/0", f32(1, 2)));
        assertTrue(e.getMessage().contains("storage '0' claims 100 x F32 = 400 bytes but its zip entry"
                + " layer1.sae/data/0 holds 8"), e.getMessage());
    }

    @Test
    void refusesATensorReachingPastItsStorage() throws IOException {
        MalformedFileException e = rejected(new TorchZip("a")
                .entry("data.pkl", oneTensor(4, 2, new long[] {2, 2}, new long[] {2, 1}).bytes())
                .entry("data/0", f32(1, 2, 3, 4)));
        assertTrue(e.getMessage().contains("reaches element 5 of storage '0' which has 4"), e.getMessage());
    }

    @Test
    void refusesAMissingStorageEntry() throws IOException {
        MalformedFileException e = rejected(new TorchZip("a")
                .entry("data.pkl", oneTensor(1, 0, new long[] {1}, new long[] {1}).bytes()));
        assertTrue(e.getMessage().contains("storage '0' has no zip entry a/data/0"), e.getMessage());
    }

    @Test
    void refusesATruncatedPickle() throws IOException {
        byte[] pickle = oneTensor(1, 0, new long[] {1}, new long[] {1}).bytes();
        for (int cut : new int[] {0, 1, 5, 40, pickle.length - 1}) {
            MalformedFileException e = rejected(new TorchZip("a")
                    .entry("data.pkl", Arrays.copyOf(pickle, cut)).entry("data/0", f32(1)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void refusesATruncatedZip() throws IOException {
        Path good = tmp.resolve("good.pt");
        new TorchZip("a").entry("data.pkl", oneTensor(1000, 0, new long[] {1000}, new long[] {1}).bytes())
                .entry("data/0", new byte[4000]).write(good, true);
        byte[] all = Files.readAllBytes(good);
        Path p = tmp.resolve("cut.pt");
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void refusesNonZipLegacyAndBigEndianFiles() throws IOException {
        Path p = tmp.resolve("x.pt");
        Files.write(p, new byte[] {(byte) 0x80, 2, 'N', '.'});
        assertTrue(assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p)).getMessage()
                .contains("legacy"));
        Files.write(p, "hello".getBytes());
        assertTrue(assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p)).getMessage()
                .contains("not a torch.save zip"));
        MalformedFileException big = rejected(new TorchZip("a").entry("byteorder", "big".getBytes())
                .entry("data.pkl", oneTensor(1, 0, new long[] {1}, new long[] {1}).bytes()).entry("data/0", f32(1)));
        assertTrue(big.getMessage().contains("byteorder entry says 'big'"), big.getMessage());
    }

    @Test
    void refusesContainerDictKeysAndNonDictRoots() throws IOException {
        // l = []; l.append(l); {l: 1}: a container key would hash itself forever.
        byte[] cyclic = new PickleBytes().proto().op('}').op(']').op('q').op(0).op('h').op(0).op('a')
                .integer(1).op('s').op('.').bytes();
        assertTrue(rejected(new TorchZip("a").entry("data.pkl", cyclic)).getMessage()
                .contains("dict key of type list is not supported"));
        byte[] list = new PickleBytes().proto().op(']').op('.').bytes();
        assertTrue(rejected(new TorchZip("a").entry("data.pkl", list)).getMessage()
                .contains("the pickled object is a list, expected a dict of tensors"));
    }
}
