package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestsTest {

    /** FIPS 180-2's example: SHA-256("abc"). */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void bytesTextFilesAndPiecesAgree(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals(ABC, Digests.sha256("abc"));
        assertEquals(ABC, Digests.sha256("abc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ABC, Digests.sha256(file));
        assertEquals(ABC, new Digests.Sha256().update("a").update("bc".getBytes(StandardCharsets.UTF_8)).hex());
    }
}
