package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordProgressTest {

    @Test
    void withoutATerminalItPrintsPlainLinesWithPercentAndEta() throws Exception {
        // surefire's stderr is a pipe, never a terminal
        assertFalse(RecordProgress.stderrIsTerminal());
        StringWriter text = new StringWriter();
        double[] share = {0};
        RecordProgress p = new RecordProgress("scan", new PrintWriter(text), () -> share[0]);
        share[0] = 0.25;
        Thread.sleep(1100);
        p.stepTo(100);
        p.note("target 1/4 L1:f2: kept 2/8, tried 8/64");
        share[0] = 1;
        p.done("; 4 targets");
        List<String> lines = text.toString().lines().toList();
        assertEquals(3, lines.size(), text.toString());
        assertTrue(lines.get(0).matches("scan: 100 records, [0-9.,]+ records/s, 25%, ETA [0-9]+ s"), lines.get(0));
        assertEquals("scan: target 1/4 L1:f2: kept 2/8, tried 8/64", lines.get(1));
        assertTrue(lines.get(2).matches("scan: 100 records in [0-9.]+ s \\([0-9.,]+ records/s\\); 4 targets"),
                lines.get(2));
    }

    @Test
    void anUnknownShareGivesNoPercent() throws Exception {
        StringWriter text = new StringWriter();
        RecordProgress p = new RecordProgress("scan", new PrintWriter(text), () -> 0);
        Thread.sleep(1100);
        p.stepTo(7);
        String line = text.toString().strip();
        assertTrue(line.matches("scan: 7 records, [0-9.,]+ records/s"), line);
    }
}
