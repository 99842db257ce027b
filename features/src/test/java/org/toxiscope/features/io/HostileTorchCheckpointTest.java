package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.features.io.TestBuffers.f32;
import static org.toxiscope.features.io.TestBuffers.floats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles and zips made to exhaust memory or time (memoize floods, self-referencing dicts, deep stacks, object
 * floods, zip bombs) fail within seconds with one line naming the file.
 */
class HostileTorchCheckpointTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private MalformedFileException refused(byte[] pickle) throws IOException {
        Path p = tmp.resolve("layer1.sae.pt");
        new TorchZip("archive").entry("data.pkl", pickle).write(p, true);
        MalformedFileException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p).close()));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        return e;
    }

    @Test
    void aMemoizeFloodIsRefused() throws IOException {
        PickleBytes p = new PickleBytes().proto().op('}');
        for (int i = 0; i <= SafeUnpickler.MAX_MEMO; i++) {
            p.op(0x94);
        }
        String message = refused(p.op('.').bytes()).getMessage();
        assertTrue(message.contains("memo grows past " + SafeUnpickler.MAX_MEMO + " entries"), message);
    }

    @Test
    void aDictHoldingItselfUnderManyKeysIsRefusedNotWalked() throws IOException {
        // d = {}; d['k0'] = d; ... d['k19'] = d: a walk to depth 8 would visit 20^8 dicts.
        PickleBytes p = new PickleBytes().proto().op('}').op('q').op(0).op('(');
        for (int i = 0; i < 20; i++) {
            p.str("k" + i).op('h').op(0);
        }
        String message = refused(p.op('u').op('.').bytes()).getMessage();
        assertTrue(message.contains("dict 'k0' is reached twice"), message);
    }

    @Test
    void aStackFloodIsRefused() throws IOException {
        PickleBytes p = new PickleBytes().proto();
        for (int i = 0; i <= SafeUnpickler.MAX_STACK + 1; i++) {
            p.op('N');
        }
        String message = refused(p.op('.').bytes()).getMessage();
        assertTrue(message.contains("stack deeper than " + SafeUnpickler.MAX_STACK), message);
    }

    @Test
    void anObjectFloodIsRefused() throws IOException {
        // One list grown past the object bound by appending None (the stack stays two entries deep).
        PickleBytes p = new PickleBytes().proto().op('}').op('(').str("w").op(']');
        for (int i = 0; i <= SafeUnpickler.MAX_OBJECTS; i++) {
            p.op('N').op('a');
        }
        String message = refused(p.op('u').op('.').bytes()).getMessage();
        assertTrue(message.contains("more than " + SafeUnpickler.MAX_OBJECTS + " objects"), message);
    }

    @Test
    void aZipEntryDeclaringMoreThanItsStorageIsRefusedBeforeInflating() throws IOException {
        byte[] pickle = new PickleBytes().proto().op('}').op('(').str("w")
                .tensor("FloatStorage", "0", 16, 0, new long[] {16}, new long[] {1}).op('u').op('.').bytes();
        Path p = tmp.resolve("bomb.sae.pt");
        // 64 MiB of zeros deflate to about 64 KiB; the storage needs 64 bytes of them.
        new TorchZip("archive").entry("data.pkl", pickle).entry("data/0", new byte[64 << 20]).write(p, false);
        MalformedFileException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(MalformedFileException.class, () -> TorchCheckpoint.open(p).close()));
        assertEquals(p + ": zip entry archive/data/0 declares 67108864 bytes but storage '0' is 16 x F32 = 64 bytes",
                e.getMessage());
    }

    @Test
    void aDeflatedStorageIsInflatedInStepsIntoTheDestination() throws IOException {
        int n = 700_000; // 2.8 MB: several 1 MiB steps
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f;
        }
        byte[] pickle = new PickleBytes().proto().op('}').op('(').str("w")
                .tensor("FloatStorage", "0", n, 0, new long[] {n / 2, 2}, new long[] {2, 1}).op('u').op('.').bytes();
        Path p = tmp.resolve("deflated.pt");
        new TorchZip("archive").entry("data.pkl", pickle).entry("data/0", f32(values)).write(p, false);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            ByteBuffer dst = ByteBuffer.allocateDirect((n - 2) * 4).order(ByteOrder.LITTLE_ENDIAN);
            ckpt.readF32RowsInto("w", 1, n / 2, dst);
            float[] expected = new float[n - 2];
            System.arraycopy(values, 2, expected, 0, n - 2);
            assertEquals(0, dst.position());
            assertArrayEquals(expected, floats(dst));
        }
    }
}
