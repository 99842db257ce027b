package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class OutOfMemoryTest {

    @TempDir
    Path dir;

    /** Runs out of heap as a too-large input would, on the calling thread or inside a worker. */
    @Command(name = "hungry")
    static final class Hungry implements Callable<Integer> {
        @Option(names = "--input")
        Path input;

        @Option(names = "--max-tokens")
        int maxTokens;

        @Option(names = "--in-worker")
        boolean inWorker;

        @Override
        public Integer call() throws Exception {
            if (inWorker) {
                CompletableFuture.runAsync(() -> {
                    throw new OutOfMemoryError("Java heap space");
                }).get();
            }
            throw new OutOfMemoryError("Java heap space");
        }
    }

    private static CliRunner.Run run(String... args) {
        CommandLine cl = Toxiscope.commandLine();
        cl.addSubcommand("hungry", new Hungry());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRunner.Run(exit, out.toString(), err.toString());
    }

    @Test
    void outOfMemoryBecomesOneLineNamingTheInputAndTheBoundingFlag() {
        for (List<String> args : List.of(List.of("hungry", "--input", "big.jsonl"),
                List.of("hungry", "--input", "big.jsonl", "--in-worker"))) {
            CliRunner.Run r = run(args.toArray(String[]::new));
            assertEquals(OneLineErrors.OUT_OF_MEMORY, r.exit(), r.err());
            String line = r.err().strip();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.startsWith("toxiscope hungry: out of memory (Java heap space, the heap may grow to "), line);
            assertTrue(line.contains(" on --input big.jsonl: the input is too large for this heap; lower --max-tokens,"
                    + " or raise the heap with TOXISCOPE_HEAP"), line);
        }
    }

    @Test
    void childJvmWithASmallHeapReportsOneLineAndNoStackTrace() throws Exception {
        // One quoted CSV field of 14 million characters (under the 16 Mi cap) cannot be held in a 16 MiB heap.
        Path csv = dir.resolve("huge.csv");
        char[] row = new char[1_000];
        java.util.Arrays.fill(row, 'x');
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("text,toxic\n\"");
            for (int i = 0; i < 14_000; i++) {
                w.write(row);
                w.write('\n');
            }
            w.write("\",1\n");
        }
        ChildCli.Result r = ChildCli.run(dir, "16m", Duration.ofSeconds(60), "data", "stats", "--input",
                csv.toString());
        String output = r.out() + r.err();
        assertFalse(r.timedOut(), output);
        assertEquals(OneLineErrors.OUT_OF_MEMORY, r.exit(), output);
        assertFalse(output.contains("\tat "), output);
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("toxiscope data stats: out of memory (Java heap space"), output);
        assertTrue(last.contains("on --input " + csv), output);
    }
}
