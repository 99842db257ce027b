package org.toxiscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.toxiscope.cli.Toxiscope;

class BenchForwardCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = Toxiscope.commandLine().execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** One block of the real shape in bf16: the figures, the peaks of both dtypes and the CPU flags are printed. */
    @Test
    void printsModelRateBesideBothMatmulPeaksAndTheCpuFlags() {
        Run r = run("bench", "forward", "--layers", "1", "--batch", "1", "--seq", "4", "--decode-steps", "1",
                "--repeats", "1", "--dtype", "bf16");
        assertEquals(0, r.exit(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("random Qwen3-0.6B shape, 1 layers, hidden 1024"), out);
        assertTrue(out.contains("dtype: bf16"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("prefill: batch 1 x 4 tokens") && l.endsWith("GFLOP/s")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.matches("matmul peak \\(512x2048 @ 2048x6144 on cpu\\(\\), DJL\\): "
                + "f32 \\d+ GFLOP/s, bf16 \\d+ GFLOP/s; CPU bf16 flags: .+")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("model matmuls, share of the bf16 peak: prefill \\d+%; "
                + "decode batch 1 \\d+%")), out);
        assertTrue(out.contains("peak RSS: "), out);
    }

    @Test
    void anUnknownShapeIsRefusedListingTheKnownOnes() {
        Run r = run("bench", "forward", "--shape", "qwen9");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("--shape must be one of qwen3-0.6b, qwen3-1.7b, qwen3-4b, qwen3-8b, qwen3.5-2b, "
                + "not 'qwen9'"), r.err());
    }
}
