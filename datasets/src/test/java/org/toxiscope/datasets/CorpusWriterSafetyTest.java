package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A corpus output never writes through what is planted at its fixed names, never loses a partial, has one writer. */
class CorpusWriterSafetyTest {

    @TempDir
    Path dir;

    static final List<String> COLUMNS = List.of("id", "text");
    static final byte[] VICTIM = "precious\n".getBytes(StandardCharsets.UTF_8);

    private static OutputPolicy policy(OutputPolicy.Existing existing) {
        return new OutputPolicy(existing, Map.of("bundle", "a"));
    }

    @ParameterizedTest
    @EnumSource(OutputPolicy.Existing.class)
    void aLinkAtAnyFixedNameIsRefusedAndItsTargetUntouched(OutputPolicy.Existing existing) throws IOException {
        for (String name : List.of("out.jsonl.partial", "out.jsonl.partial.pos", ".out.jsonl.lock")) {
            Path sub = Files.createDirectories(dir.resolve(existing + name));
            Path victim = Files.write(sub.resolve("victim.txt"), VICTIM);
            Path out = sub.resolve("out.jsonl");
            Path planted = Files.createSymbolicLink(sub.resolve(name), victim);
            String suffix = name;
            Exception e = assertThrows(IllegalArgumentException.class, () -> {
                try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(existing))) {
                    w.write(List.of("1", "written through"));
                    w.commit();
                }
            }, suffix);
            assertTrue(e.getMessage().startsWith(planted.toString()) && e.getMessage().contains("symbolic link")
                    && !e.getMessage().contains("\n"), e.getMessage());
            assertArrayEquals(VICTIM, Files.readAllBytes(victim), suffix);
            assertTrue(Files.isSymbolicLink(planted), suffix);
            assertFalse(Files.exists(out), suffix);
        }
    }

    @Test
    void aFifoAtThePartialNameIsRefusedWithoutBlocking() throws Exception {
        Path out = dir.resolve("fifo.csv");
        Path fifo = out.resolveSibling("fifo.csv.partial");
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not available: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed");
        for (OutputPolicy.Existing existing : OutputPolicy.Existing.values()) {
            IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                    IllegalArgumentException.class, () -> CorpusWriter.open(out, COLUMNS, policy(existing))));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }

    @Test
    void aPlainRerunRefusesAnExistingPartialAndDeletesNothing() throws IOException {
        Path out = dir.resolve("out.csv");
        try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.REFUSE))) {
            for (int i = 0; i < 100; i++) {
                w.write(i, List.of("r" + i, "text " + i));
            }
        }
        Path partial = out.resolveSibling("out.csv.partial");
        byte[] before = Files.readAllBytes(partial);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.REFUSE)));
        assertTrue(e.getMessage().startsWith(partial.toString()) && e.getMessage().contains("--resume")
                && e.getMessage().contains("--overwrite"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(partial));
        try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.OVERWRITE))) {
            assertEquals(0, w.doneCount());
            w.write(List.of("x", "y"));
            w.commit();
        }
        assertEquals(List.of("id,text", "x,y"), Files.readAllLines(out));
        assertFalse(Files.exists(partial));
    }

    @Test
    void aResumeWithOtherSettingsIsRefusedNamingWhatDiffers() throws IOException {
        Path out = dir.resolve("out.jsonl");
        try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.REFUSE))) {
            w.write(List.of("1", "a"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusWriter.open(out,
                COLUMNS, new OutputPolicy(OutputPolicy.Existing.RESUME, Map.of("bundle", "b"))));
        assertTrue(e.getMessage().contains("bundle: a then, b now"), e.getMessage());
        try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.RESUME))) {
            assertEquals(1, w.doneCount());
        }
    }

    @Test
    void aSecondWriterInThisProcessIsRefusedAtOnceAndTheFirstFinishes() throws IOException {
        Path out = dir.resolve("two.jsonl");
        try (CorpusWriter first = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.REFUSE))) {
            first.write(List.of("r1", "a"));
            for (OutputPolicy.Existing existing : OutputPolicy.Existing.values()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> CorpusWriter.open(out, COLUMNS, policy(existing)));
                assertTrue(e.getMessage().contains("another run is writing " + out), e.getMessage());
            }
            first.write(List.of("r2", "b"));
            first.commit();
        }
        assertEquals(List.of("{\"id\":\"r1\",\"text\":\"a\"}", "{\"id\":\"r2\",\"text\":\"b\"}"),
                Files.readAllLines(out));
        assertFalse(Files.exists(out.resolveSibling(".two.jsonl.lock")), "the lock file goes with the lock");
        try (CorpusWriter again = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.REFUSE))) {
            assertEquals(0, again.doneCount());
        }
    }

    @Test
    void aWriterInAnotherProcessIsRefused() throws Exception {
        Path out = dir.resolve("child.jsonl");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldOutput.class.getName(), out.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("holding", assertTimeoutPreemptively(Duration.ofSeconds(60), in::readLine));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.RESUME)));
            assertTrue(e.getMessage().contains("another run is writing"), e.getMessage());
            child.getOutputStream().close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        try (CorpusWriter w = CorpusWriter.open(out, COLUMNS, policy(OutputPolicy.Existing.RESUME))) {
            assertEquals(1, w.doneCount(), "the child's record survives its exit");
        }
    }

    /** The child process: holds a writer on the output until its stdin closes. */
    static final class HoldOutput {
        public static void main(String[] args) throws IOException {
            try (CorpusWriter w = CorpusWriter.open(Path.of(args[0]), COLUMNS, policy(OutputPolicy.Existing.REFUSE))) {
                w.write(List.of("1", "a"));
                w.freeze();
                System.out.println("holding");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent
                }
            }
        }
    }
}
