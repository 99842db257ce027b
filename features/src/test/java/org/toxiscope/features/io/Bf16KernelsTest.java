package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.model.ComputeDtype;

/**
 * The bf16 kernels give exactly the values of the bf16 format: narrowing rounds to nearest even as
 * {@link SafetensorsWriter#toBf16} does, widening is exact, and BF16 tensors mapped from a file, as well as F32 and
 * F16 tensors narrowed at load, hold the values their file stores.
 */
class Bf16KernelsTest {

    @TempDir
    Path temp;

    /**
     * Ties both ways, near ties, both signs, subnormals, infinities, the largest finite floats (which round to
     * infinity), then a random mix of normal floats and of values near one with a tie or near-tie tail.
     */
    private static float[] samples() {
        int[] special = {0x3f808000, 0x3f818000, 0xbf808000, 0xbf818000, 0x3f807fff, 0x3f808001, 0x7f7fffff,
            0x7f7f7fff, 0xff7fffff, 0x00800000, 0x00808000, 0x80000000, 0x00000000, 0x7f800000, 0xff800000,
            0x00400000, 0x00018000, 0x80018000, 0x00000001};
        SplittableRandom random = new SplittableRandom(15);
        float[] out = new float[20_000];
        for (int i = 0; i < special.length; i++) {
            out[i] = Float.intBitsToFloat(special[i]);
        }
        for (int i = special.length; i < out.length; i++) {
            int bits = i % 2 == 0 ? (random.nextInt(1, 0xff) << 23) | random.nextInt(1 << 23)
                    : 0x3f800000 | (random.nextInt(128) << 16) | (0x8000 + random.nextInt(-2, 3));
            out[i] = Float.intBitsToFloat(random.nextBoolean() ? bits : bits | 0x80000000);
        }
        return out;
    }

    private static float bf16(float v) {
        return Float.intBitsToFloat(SafetensorsWriter.toBf16(v) << 16);
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            int want = Float.floatToRawIntBits(expected[i]);
            int got = Float.floatToRawIntBits(actual[i]);
            if (want != got) {
                throw new AssertionError(what + " [" + i + "]: expected bits " + Integer.toHexString(want) + " ("
                        + expected[i] + "), got " + Integer.toHexString(got) + " (" + actual[i] + ")");
            }
        }
    }

    @Test
    void narrowRoundsToNearestEvenAsTheWriterDoes() {
        float[] values = samples();
        float[] expected = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = bf16(values[i]);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(values, new Shape(values.length));
            NDArray narrowed = ComputeDtype.BF16.narrow(x);
            assertBitsEqual(expected, ComputeDtype.widen(narrowed).toFloatArray(), "narrow");
            assertTrue(ComputeDtype.F32.narrow(x) == x, "f32 narrows nothing");
            NDArray nan = ComputeDtype.widen(ComputeDtype.BF16.narrow(manager.create(new float[] {Float.NaN})));
            assertTrue(Float.isNaN(nan.toFloatArray()[0]), "NaN stays NaN");
        }
    }

    @Test
    void everyBf16BitPatternMapsFromAFileAndWidensExactly() throws Exception {
        ByteBuffer all = ByteBuffer.allocate(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 1 << 16; bits++) {
            all.putShort((short) bits);
        }
        Path file = Files.write(temp.resolve("all.bf16"), all.array());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] widened = ComputeDtype.widen(Bf16Kernels.get().mapFile(file, 1 << 16, manager)).toFloatArray();
            assertEquals(1 << 16, widened.length);
            for (int bits = 0; bits < 1 << 16; bits++) {
                assertEquals(bits << 16, Float.floatToRawIntBits(widened[bits]), "pattern " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void safetensorsBf16TensorsMapToTheirStoredValuesAtEvenAndOddOffsets() throws Exception {
        float[] values = samples();
        float[] expected = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = bf16(values[i]);
        }
        long[] shape = {values.length / 5, 5};
        Path file = temp.resolve("m.safetensors");
        // One byte of U8 before the second tensor puts its data at an odd file offset, where no bf16 view can start.
        new SafetensorsWriter().addBf16("even", shape, values).add("pad", "U8", new long[] {1}, new byte[] {7})
                .addBf16("odd", shape, values).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            for (String name : new String[] {"even", "odd"}) {
                NDArray a = f.loadBf16(manager, name);
                assertEquals(new Shape(shape), a.getShape(), name);
                assertBitsEqual(expected, ComputeDtype.widen(a).toFloatArray(), name);
            }
        }
    }

    /** Resident bytes of this process's mappings of {@code file}, from /proc/self/smaps. */
    private static long residentBytesOf(Path file) throws Exception {
        long kib = 0;
        boolean inFile = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inFile = line.endsWith(" " + file.toAbsolutePath());
            } else if (inFile && line.startsWith("Rss:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib << 10;
    }

    /**
     * A tensor read into another manager than the first one's (a layer packed at load reads its weight so) has a
     * mapping of its own: its pages stop being resident when that manager closes, and the first manager's tensors
     * and later loads into it keep their values.
     */
    @Test
    void aLoadIntoAnotherManagerLeavesNoPagesResidentOnceClosed() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "no /proc/self/smaps here");
        float[] small = samples();
        float[] big = new float[4 << 20];
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) random.nextDouble(-1, 1);
        }
        Path file = temp.resolve("big.safetensors");
        new SafetensorsWriter().addBf16("small", new long[] {small.length}, small)
                .addBf16("big", new long[] {big.length}, big).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            NDArray first = f.loadBf16(manager, "small");
            try (NDManager scope = manager.newSubManager()) {
                NDArray read = f.loadBf16(scope, "big");
                assertEquals(bf16(big[big.length - 1]), ComputeDtype.widen(read).toFloatArray()[big.length - 1]);
                assertTrue(residentBytesOf(file) >= 2L * big.length, "the big tensor's pages were read");
            }
            long resident = residentBytesOf(file);
            assertTrue(resident < 1 << 20, "still resident after its manager closed: " + resident + " bytes");
            float[] expected = new float[small.length];
            for (int i = 0; i < small.length; i++) {
                expected[i] = bf16(small[i]);
            }
            assertBitsEqual(expected, ComputeDtype.widen(first).toFloatArray(), "first manager's tensor");
            assertEquals(bf16(big[3]), ComputeDtype.widen(f.loadBf16(manager, "big")).toFloatArray()[3]);
        }
    }

    @Test
    void f32AndF16TensorsNarrowedAtLoadEqualNarrowingTheirValues() throws Exception {
        float[] values = samples();
        SplittableRandom random = new SplittableRandom(16);
        ByteBuffer f16 = ByteBuffer.allocate(2 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4096; i++) {
            // Any finite half: exponent 0..30 (31 is inf/NaN), any mantissa and sign.
            f16.putShort((short) ((random.nextInt(2) << 15) | (random.nextInt(31) << 10) | random.nextInt(1024)));
        }
        Path file = temp.resolve("m.safetensors");
        new SafetensorsWriter().addF32("f32", new long[] {values.length}, values)
                .add("f16", "F16", new long[] {64, 64}, f16.array()).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            for (String name : new String[] {"f32", "f16"}) {
                // readF32 is exact for both (F16 widens exactly), so narrowing its values is the reference.
                float[] stored = TestBuffers.floats(f.readF32(name));
                float[] expected = new float[stored.length];
                for (int i = 0; i < stored.length; i++) {
                    expected[i] = bf16(stored[i]);
                }
                NDArray a = f.loadBf16(manager, name);
                assertEquals(new Shape(f.shape(name)), a.getShape(), name);
                assertBitsEqual(expected, ComputeDtype.widen(a).toFloatArray(), name);
            }
        }
    }

    /**
     * Each row's dot products with its own candidate rows, against the same sums in double, for every block size from
     * one row to more than all of them, and for one row (an empty first half) as well as several.
     */
    @Test
    void candidateDotsAreEachRowsDotProductsWithItsOwnCandidates() {
        SplittableRandom random = new SplittableRandom(3);
        int d = 24;
        int r = 40;
        int c = 5;
        float[] rows = new float[r * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextDouble(-1, 1);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rowArray = manager.create(rows, new Shape(r, d));
            for (int n : new int[] {1, 2, 7}) {
                float[] x = new float[n * d];
                long[] candidates = new long[n * c];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextDouble(-1, 1);
                }
                for (int i = 0; i < candidates.length; i++) {
                    candidates[i] = random.nextInt(r);
                }
                for (long block : new long[] {1, 2, 3, 64}) {
                    float[] got = Bf16Kernels.get().candidateDots(manager.create(x, new Shape(n, d)), rowArray,
                            manager.create(candidates, new Shape(n, c)), block).toFloatArray();
                    assertEquals(n * c, got.length);
                    for (int t = 0; t < n; t++) {
                        for (int j = 0; j < c; j++) {
                            double want = 0;
                            for (int k = 0; k < d; k++) {
                                want += (double) x[t * d + k] * rows[(int) candidates[t * c + j] * d + k];
                            }
                            assertEquals(want, got[t * c + j], 1e-5, "row " + t + " candidate " + j + " of " + n
                                    + " rows, blocks of " + block);
                        }
                    }
                }
            }
        }
    }
}
