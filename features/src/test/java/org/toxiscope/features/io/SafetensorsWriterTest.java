package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3f80, SafetensorsWriter.toBf16(1f));
        // 1 + 2^-8 is exactly half way between 1 and the next bf16: ties go to the even mantissa (1.0).
        assertEquals((short) 0x3f80, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3f808000)));
        // 1 + 3 * 2^-8 is half way between two bf16 values: the even one is above.
        assertEquals((short) 0x3f82, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3f818000)));
        assertEquals((short) 0x3f81, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3f808001)));
        assertEquals((short) 0xc0a0, SafetensorsWriter.toBf16(-5f));
        assertEquals((short) 0x7f80, SafetensorsWriter.toBf16(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Float.intBitsToFloat(SafetensorsWriter.toBf16(Float.NaN) << 16)));
    }

    @Test
    void writtenFileReadsBackWithPaddedHeaderAndMetadata() throws IOException {
        Path p = tmp.resolve("m.safetensors");
        new SafetensorsWriter().addBf16("b", new long[] {2, 2}, 1f, -2.5f, 0.1f, 3f)
                .addF32("f", new long[] {3}, 0.1f, -0f, 7f).add("x\"y", "F32", new long[] {}, TestBuffers.f32(9f))
                .write(p);
        assertEquals(List.of("m.safetensors"), Files.list(tmp).map(x -> x.getFileName().toString()).toList());
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals("pt", f.metadata().get("format"));
            assertArrayEquals(new float[] {1f, -2.5f, 0.10009765625f, 3f}, TestBuffers.floats(f.readF32("b")));
            assertArrayEquals(new float[] {0.1f, -0f, 7f}, TestBuffers.floats(f.readF32("f")));
            assertArrayEquals(new float[] {9f}, TestBuffers.floats(f.readF32("x\"y")));
        }
    }
}
