package org.toxiscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.toxiscope.cli.Toxiscope;

class BenchEvalCommandTest {

    @Test
    void printsOneLinePerTimedRun() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Toxiscope.commandLine().execute("bench", "eval", "--rows", "500", "--languages", "3",
                    "--bootstrap", "20", "--repeat", "2");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().filter(l -> l.startsWith("eval metrics: 500 rows, 3 languages, 20 resamples:"))
                .count(), out);
        assertTrue(out.contains(" s ("), out);
    }
}
