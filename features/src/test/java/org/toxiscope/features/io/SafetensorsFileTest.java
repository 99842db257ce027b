package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.features.io.TestBuffers.floats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    /** Writes {@code header} (as UTF-8, with its true length) followed by {@code body}: hostile files. */
    private static void writeRaw(Path path, String header, byte[] body) throws IOException {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb).put(body);
        Files.write(path, b.array());
    }

    private String rejected(String header, byte[] body) throws IOException {
        Path p = tmp.resolve("hostile.safetensors");
        writeRaw(p, header, body);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("hostile.safetensors"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsEveryFloatTypeAsF32() throws IOException {
        Path p = tmp.resolve("m.safetensors");
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3);
        new SafetensorsWriter()
                .addF32("a", new long[] {2, 2}, 1f, -2.5f, 3e-8f, Float.NaN)
                .add("b", "BF16", new long[] {3}, TestBuffers.u16(0x3f80, 0xc0a0, 0xbc12))
                .add("h", "F16", new long[] {4}, TestBuffers.u16(0x3c00, 0xc000, 0x7bff, 0x0001))
                .add("d", "F64", new long[] {2}, f64.array())
                .add("i", "I64", new long[] {1}, new byte[8])
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(java.util.List.of("a", "b", "h", "d", "i"), java.util.List.copyOf(f.names()));
            assertArrayEquals(new float[] {1f, -2.5f, 3e-8f, Float.NaN}, floats(f.readF32("a")));
            assertArrayEquals(new float[] {1f, -5f, -0.0089111328125f}, floats(f.readF32("b")));
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, floats(f.readF32("h")));
            assertArrayEquals(new float[] {0.1f, -3f}, floats(f.readF32("d")));
            assertArrayEquals(new long[] {2, 2}, f.info("a").shape());
            assertEquals(16, f.info("a").byteLength());
            IllegalArgumentException notFloat = assertThrows(IllegalArgumentException.class, () -> f.readF32("i"));
            assertTrue(notFloat.getMessage().contains("tensor 'i'") && notFloat.getMessage().contains("I64"));
            IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> f.info("zz"));
            assertTrue(absent.getMessage().contains("m.safetensors") && absent.getMessage().contains("'zz'"));
        }
    }

    @Test
    void readsRowRanges() throws IOException {
        Path p = tmp.resolve("rows.safetensors");
        new SafetensorsWriter().add("e", "BF16", new long[] {3, 2},
                TestBuffers.u16(0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0)).write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {3, 4, 5, 6}, floats(f.readF32Rows("e", 1, 3)));
            assertEquals(0, f.readF32Rows("e", 2, 2).remaining());
            assertThrows(IllegalArgumentException.class, () -> f.readF32Rows("e", 2, 4));
        }
    }

    @Test
    void halfConversionMatchesTheDefinitionForEveryValue() {
        for (int h = 0; h < 0x10000; h++) {
            int exp = (h >>> 10) & 0x1f;
            int mant = h & 0x3ff;
            double sign = (h & 0x8000) != 0 ? -1 : 1;
            float got = Float.intBitsToFloat(TensorDtype.halfToFloatBits((short) h));
            if (exp == 0x1f) {
                assertTrue(mant == 0 ? Float.isInfinite(got) : Float.isNaN(got), "half " + h);
                continue;
            }
            double expected = exp == 0 ? sign * mant * Math.pow(2, -24)
                    : sign * Math.pow(2, exp - 15) * (1 + mant / 1024.0);
            assertEquals((float) expected, got, "half " + Integer.toHexString(h));
            assertEquals((h & 0x8000) != 0, (Float.floatToRawIntBits(got) & 0x80000000) != 0, "sign of " + h);
        }
    }

    @Test
    void rejectsAFileTooShortForTheHeaderLength() throws IOException {
        Path p = tmp.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("short.safetensors") && e.getMessage().contains("too short"));
    }

    @Test
    void rejectsAHeaderLengthPastTheEnd() throws IOException {
        Path p = tmp.resolve("past.safetensors");
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(p, b.array());
        assertTrue(assertThrows(MalformedFileException.class, () -> SafetensorsFile.open(p)).getMessage()
                .contains("runs past the end"));
        b.putLong(0, -1L);
        Files.write(p, b.array());
        assertTrue(assertThrows(MalformedFileException.class, () -> SafetensorsFile.open(p)).getMessage()
                .contains("18446744073709551615"));
    }

    @Test
    void rejectsATruncatedDataSection() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        new SafetensorsWriter().addF32("w", new long[] {4}, 1, 2, 3, 4).write(good);
        byte[] all = Files.readAllBytes(good);
        Path p = tmp.resolve("hostile.safetensors");
        Files.write(p, Arrays.copyOf(all, all.length - 3));
        String msg = assertThrows(MalformedFileException.class, () -> SafetensorsFile.open(p)).getMessage();
        assertTrue(msg.contains("hostile.safetensors: tensor 'w'") && msg.contains("truncated"), msg);
    }

    @Test
    void rejectsOverlappingRanges() throws IOException {
        String msg = rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertTrue(msg.contains("'b'") && msg.contains("overlaps tensor 'a'"), msg);
    }

    @Test
    void rejectsRangesOutsideTheFile() throws IOException {
        String msg = rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", new byte[16]);
        assertTrue(msg.contains("tensor 'a'") && msg.contains("run past the data section (16 bytes)"), msg);
    }

    @Test
    void rejectsShapeSizeMismatch() throws IOException {
        String msg = rejected("{\"x.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
                new byte[24]);
        assertTrue(msg.endsWith("hostile.safetensors: tensor 'x.weight': shape [2, 3] x F32 = 24 bytes but"
                + " data_offsets span 20"), msg);
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        String msg = rejected("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]);
        assertTrue(msg.contains("tensor 'a'") && msg.contains("unknown dtype 'Q4'"), msg);
    }

    @Test
    void rejectsAHugeElementCountWithoutAllocating() throws IOException {
        String msg = rejected("{\"big\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,"
                + (4L << 40) + "]}}", new byte[16]);
        assertTrue(msg.contains("tensor 'big'") && msg.contains("run past the data section"), msg);
        msg = rejected("{\"big\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,16]}}",
                new byte[16]);
        assertTrue(msg.contains("tensor 'big'") && msg.contains("4398046511104 bytes but data_offsets span 16"), msg);
        msg = rejected("{\"big\":{\"dtype\":\"BF16\",\"shape\":[1099511627776,1099511627776],"
                + "\"data_offsets\":[0,16]}}", new byte[16]);
        assertTrue(msg.contains("tensor 'big'") && msg.contains("overflows"), msg);
    }

    @Test
    void rejectsBadShapesAndOffsets() throws IOException {
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0])
                .contains("'shape' entry 0 (-1) is not a non-negative"));
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4])
                .contains("'shape' entry 0"));
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4])
                .contains("run backwards"));
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4])
                .contains("'data_offsets' has 1 entries"));
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4])
                .contains("missing array field 'shape'"));
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]).contains("twice"));
    }

    @Test
    void rejectsBadJson() throws IOException {
        assertTrue(rejected("{\"a\":{\"dtype\":\"F32\",", new byte[0]).contains("not valid JSON"));
        assertTrue(rejected("[1,2]", new byte[0]).contains("not valid JSON"));
        assertTrue(rejected("{\"a\":1} {}", new byte[0]).contains("header entry is not an object"));
        assertTrue(rejected("{} x", new byte[0]).contains("header"));
        assertTrue(rejected("{\"__metadata__\":{\"k\":[1]}}", new byte[0]).contains("'k' is not a string"));
        assertTrue(rejected("[".repeat(100_000), new byte[0]).contains("not valid JSON"));
    }

    @Test
    void acceptsPaddedHeadersAndEmptyTensors() throws IOException {
        Path p = tmp.resolve("pad.safetensors");
        writeRaw(p, "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}   ", new byte[4]);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(0, f.readF32("e").remaining());
            assertEquals(1, f.info("a").numel());
            assertEquals(4, f.readF32("a").remaining());
        }
    }

    @Test
    void readsTheGoldenBf16Embedding() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(SharedFixtures.path("qwen3-tiny/model.safetensors"))) {
            TensorInfo e = f.info("model.embed_tokens.weight");
            assertEquals("BF16", e.dtype());
            assertArrayEquals(new long[] {151936, 64}, e.shape());
            ByteBuffer b = f.readF32("model.embed_tokens.weight");
            assertEquals(151936 * 64 * 4, b.remaining());
            // Expected values from python3 struct on the same file: bf16 bits 0xbc12, 0xbd23, 0x3c56, ...
            assertEquals(-0.0089111328125f, b.getFloat(0));
            assertEquals(-0.039794921875f, b.getFloat(4));
            assertEquals(0.0130615234375f, b.getFloat(8));
            assertEquals(0.05908203125f, b.getFloat(63 * 4));
            assertEquals(0.07421875f, b.getFloat(64 * 4));
            assertEquals(-0.087890625f, b.getFloat((151935 * 64 + 63) * 4));
            assertEquals(0.07421875f, f.readF32Rows("model.embed_tokens.weight", 1, 2).getFloat(0));
            assertEquals("pt", f.metadata().get("format"));
        }
    }
}
