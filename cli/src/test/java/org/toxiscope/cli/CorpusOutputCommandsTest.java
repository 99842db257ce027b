package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.toxiscope.cli.CliRunner.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.cli.CliRunner.Run;
import org.toxiscope.common.ExclusiveLock;
import org.toxiscope.datasets.SampleCorpus;

/** {@code data split} outputs: an interrupted run's partial is never lost, overwritten through a link, or mixed. */
class CorpusOutputCommandsTest {

    @TempDir
    Path dir;

    private String[] split(Path input, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("data", "split", "--input", input.toString(), "--splits",
                "train=0.5,test=0.5", "--output", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void theResumeCommandIsTheCommandLineWithResumeInsteadOfOverwriteAndStopAfter() {
        assertEquals("toxiscope data split --input 'my corpus/it'\\''s.csv' --output o --resume",
                ResumeHint.resumeCommand(List.of("data", "split", "--input", "my corpus/it's.csv", "--overwrite",
                        "--stop-after", "10", "--output", "o")));
        assertEquals("toxiscope label --resume --output x.csv",
                ResumeHint.resumeCommand(List.of("label", "--resume", "--stop-after=3", "--output", "x.csv")));
    }

    @Test
    void aPlainRerunOntoAPartialRefusesAndKeepsItAndResumeFinishesIt() throws IOException {
        Path sample = SampleCorpus.copyTo(dir);
        Path out = dir.resolve("out");
        Run whole = run(split(sample, dir.resolve("whole")));
        assertEquals(0, whole.exit(), whole.err());
        Run stopped = run(split(sample, out, "--stop-after", "150"));
        assertEquals(3, stopped.exit(), stopped.err());
        assertTrue(stopped.err().contains("safe: ") && stopped.err().contains("records in " + out.resolve("train.jsonl"
                + ".partial")), stopped.err());
        Path partial = out.resolve("train.jsonl.partial");
        byte[] kept = Files.readAllBytes(partial);
        assertTrue(kept.length > 0);

        Run plain = run(split(sample, out));
        assertEquals(1, plain.exit(), plain.err());
        assertTrue(plain.err().contains(partial.toString()) && plain.err().contains("--resume")
                && plain.err().contains("--overwrite") && plain.err().lines().count() == 1, plain.err());
        assertArrayEquals(kept, Files.readAllBytes(partial), "a plain rerun deletes nothing");

        Run other = run(split(sample, out, "--resume", "--seed", "7"));
        assertEquals(1, other.exit(), other.err());
        assertTrue(other.err().contains("seed: 42 then, 7 now"), other.err());
        assertArrayEquals(kept, Files.readAllBytes(partial));

        Run resumed = run(split(sample, out, "--resume"));
        assertEquals(0, resumed.exit(), resumed.err());
        for (String name : List.of("train.jsonl", "test.jsonl")) {
            assertEquals(-1L, Files.mismatch(dir.resolve("whole").resolve(name), out.resolve(name)), name);
        }
        Run overwritten = run(split(sample, dir.resolve("whole"), "--overwrite"));
        assertEquals(0, overwritten.exit(), overwritten.err());
    }

    @Test
    void aSecondSplitIntoTheSameFolderIsRefusedAtOnce() throws IOException {
        Path sample = SampleCorpus.copyTo(dir);
        Path out = dir.resolve("busy");
        Run stopped = run(split(sample, out, "--stop-after", "150"));
        assertEquals(3, stopped.exit(), stopped.err());
        byte[] kept = Files.readAllBytes(out.resolve("train.jsonl.partial"));
        // Another run holds the folder, as a second process would.
        try (ExclusiveLock other = ExclusiveLock.acquire(out.resolve(".split.lock"), "the other run")) {
            for (String flag : List.of("--resume", "--overwrite")) {
                Run r = run(split(sample, out, flag));
                assertEquals(1, r.exit(), r.err());
                assertTrue(r.err().contains("another run is writing") && r.err().lines().count() == 1, r.err());
                assertArrayEquals(kept, Files.readAllBytes(out.resolve("train.jsonl.partial")), flag);
            }
        }
        assertEquals(0, run(split(sample, out, "--resume")).exit());
    }

    @Test
    void aLinkPlantedAtAPartialNameIsNeverWrittenThrough() throws IOException {
        Path sample = SampleCorpus.copyTo(dir);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious\n");
        Path link = Files.createSymbolicLink(out.resolve("test.jsonl.partial.pos"), victim);
        for (String[] flags : List.of(new String[0], new String[] {"--resume"}, new String[] {"--overwrite"})) {
            Run r = run(split(sample, out, flags));
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains(link + ": is a symbolic link") && r.err().lines().count() == 1, r.err());
            assertEquals("precious\n", Files.readString(victim));
            assertTrue(Files.isSymbolicLink(link));
            assertFalse(Files.exists(out.resolve("test.jsonl")));
        }
    }

    @Test
    void sigtermFlushesThePartialAndPrintsTheResumeCommand() throws Exception {
        Path big = dir.resolve("big.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300_000; i++) {
            sb.append("{\"text\":\"record ").append(i).append(" of a corpus large enough to interrupt\",\"toxic\":")
                    .append(i % 3 == 0 ? 1 : 0).append(",\"lang\":\"en\"}\n");
        }
        Files.writeString(big, sb);
        Path out = dir.resolve("out");
        String[] args = split(big, out);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Toxiscope.class.getName()));
        command.addAll(Arrays.asList(args));
        Path err = dir.resolve("child.err");
        Process child = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectOutput(dir.resolve("child.out").toFile()).start();
        Path partial = out.resolve("train.jsonl.partial");
        try {
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                while (!(Files.exists(partial) && Files.size(partial) > 200_000)) {
                    assertTrue(child.isAlive(), "the run ended before it could be interrupted");
                    Thread.sleep(20);
                }
            });
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        String said = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(said.contains("data split: interrupted; safe: ") && said.contains("continue with: toxiscope data split --input "
                + big + " --splits train=0.5,test=0.5 --output " + out + " --resume"), said);
        assertFalse(Files.exists(out.resolve("train.jsonl")));
        String[] resume = Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        Run resumed = run(resume);
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming kept"), resumed.err());
        Run whole = run(split(big, dir.resolve("whole")));
        assertEquals(0, whole.exit(), whole.err());
        for (String name : List.of("train.jsonl", "test.jsonl")) {
            assertEquals(-1L, Files.mismatch(dir.resolve("whole").resolve(name), out.resolve(name)), name);
        }
    }
}
