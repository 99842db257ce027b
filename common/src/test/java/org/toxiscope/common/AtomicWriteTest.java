package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {

    @TempDir
    Path dir;

    @Test
    void aLinkPlantedAtAFixedTemporaryNameIsNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path target = dir.resolve("out.json");
        // The names the old helpers wrote through before renaming.
        Files.createSymbolicLink(dir.resolve("out.json.tmp"), victim);
        Files.createSymbolicLink(dir.resolve(".out.json.tmp"), victim);

        AtomicWrite.writeString(target, "new");

        assertEquals("precious", Files.readString(victim));
        assertEquals("new", Files.readString(target));
        assertTrue(Files.isSymbolicLink(dir.resolve("out.json.tmp")));
    }

    @Test
    void twoWritersToOneTargetHaveTheirOwnTemporaryFiles() throws IOException {
        Path target = dir.resolve("out.txt");
        try (AtomicWrite first = AtomicWrite.open(target); AtomicWrite second = AtomicWrite.open(target)) {
            assertNotEquals(first.temp(), second.temp());
            first.stream().write("first".getBytes(StandardCharsets.UTF_8));
            second.stream().write("second".getBytes(StandardCharsets.UTF_8));
            second.commit();
            first.commit();
        }
        assertEquals("first", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aFailedWriteLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.txt"), "old");

        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));

        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aWriteNeverCommittedLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        try (AtomicWrite w = AtomicWrite.open(target)) {
            w.stream().write(1);
        }
        assertFalse(Files.exists(target));
        assertEquals(List.of(), files());
    }

    @Test
    void commitReplacesAnExistingFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.txt"), "a longer old content");
        try (AtomicWrite w = AtomicWrite.open(target)) {
            w.stream().write("new".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void missingParentFoldersAreCreated() throws IOException {
        Path target = dir.resolve("a/b/out.bin");
        AtomicWrite.writeBytes(target, new byte[] {1, 2, 3});
        assertEquals(3, Files.size(target));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
