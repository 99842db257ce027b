package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsSmallRegularFilesAndRefusesTheRestNamingThem() throws Exception {
        Path ok = Files.writeString(tmp.resolve("config.json"), "{}");
        assertEquals("{}", SmallFile.readString(ok, 2));
        IOException big = assertThrows(IOException.class, () -> SmallFile.readString(ok, 1));
        assertTrue(big.getMessage().startsWith(ok.toString()), big.getMessage());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), ok);
        assertEquals("{}", SmallFile.readString(link, 2));
        assertThrows(IOException.class, () -> SmallFile.readStringNoLinks(link, 2));
        assertThrows(IOException.class, () -> SmallFile.check(tmp, 100));
        assertThrows(IOException.class, () -> SmallFile.check(tmp.resolve("missing"), 100));
    }

    @Test
    void aFifoFailsFast() throws Exception {
        Path pipe = tmp.resolve("tokenizer.json");
        try {
            assumeTrue(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0, "mkfifo failed");
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is unavailable");
        }
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IOException.class, () -> SmallFile.readString(pipe, 100)));
        assertTrue(e.getMessage().contains(pipe + ": is not a regular file"), e.getMessage());
    }
}
