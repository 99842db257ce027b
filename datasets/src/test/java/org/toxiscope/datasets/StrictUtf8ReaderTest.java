package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8ReaderTest {

    @Test
    void dropsTheBomAndReportsMalformedBytesByLineAcrossBuffers() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        for (int i = 0; i < 20_000; i++) {
            b.write(("line " + i + " ü\n").getBytes(StandardCharsets.UTF_8));
        }
        b.write(new byte[] {'x', (byte) 0xff, '\n', 'y', (byte) 0xe2, (byte) 0x82});
        StrictUtf8Reader reader = new StrictUtf8Reader(new ByteArrayInputStream(b.toByteArray()));
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[1000];
        int n;
        while ((n = reader.read(buf, 0, buf.length)) >= 0) {
            sb.append(buf, 0, n);
        }
        String text = sb.toString();
        assertTrue(text.startsWith("line 0 ü\n"));
        assertTrue(text.endsWith("line 19999 ü\nx\uFFFD\ny\uFFFD"), text.substring(text.length() - 20));
        assertFalse(reader.invalidBetween(1, 20_000));
        assertTrue(reader.invalidBetween(20_001, 20_001));
        assertTrue(reader.invalidBetween(20_002, 20_002));
        assertFalse(reader.invalidBetween(20_003, 30_000));
        assertEquals(-1, reader.read(new char[8], 0, 8));
        assertEquals(-1, reader.read(new char[8], 0, 8));
    }
}
