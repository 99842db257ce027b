package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.datasets.DatasetException;

class LabelledTableSourceTest {

    private static final PredictionColumns COLUMNS =
            new PredictionColumns("gold", "toxic_score", "toxic", "lang", "id", 0.5, null);

    @Test
    void readsJsonLinesWithTypedValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.jsonl");
        Files.writeString(file, """
                {"id": "a", "text": "x", "lang": "en", "gold": true, "toxic_score": 0.9, "toxic": true}

                {"id": "b", "text": "y", "lang": null, "gold": 0, "toxic_score": 0.2, "toxic": "no"}
                """);
        LabelledTableSource source = new LabelledTableSource(file, COLUMNS);
        Predictions p = source.read();
        assertEquals(2, p.size());
        assertEquals(new ScoredExample("a", "en", true, 0.9, true), p.get(0));
        assertEquals(new ScoredExample("b", Predictions.UNKNOWN_LANGUAGE, false, 0.2, false), p.get(1));
        assertEquals(2, source.provenance().get("rows").getAsInt());
        assertEquals(64, source.provenance().get("sha256").getAsString().length());
    }

    @Test
    void unscoredGoldRowsAreLeftOutAndCounted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.csv");
        Files.writeString(file, "id,gold,toxic_score,toxic\na,1,0.9,1\nb,-1,0.8,1\nc,0,0.1,0\nd,-1.0,0.2,0\n");
        LabelledTableSource source = new LabelledTableSource(file, COLUMNS);
        Predictions p = source.read();
        assertEquals(2, p.size());
        assertEquals("; 2 rows skipped: label -1 (unscored)", source.skippedNote());
        assertEquals(2, source.provenance().get("skipped_unscored").getAsInt());
        PredictionColumns noMarkers = new PredictionColumns("gold", "toxic_score", "toxic", "lang", "id", 0.5,
                java.util.List.of());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new LabelledTableSource(file, noMarkers).read());
        assertTrue(none.getMessage().contains("cannot read '-1'"), none.getMessage());
    }

    @Test
    void readsCompressedFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("{\"id\": \"a\", \"lang\": \"en\", \"gold\": 1, \"toxic_score\": 0.9, \"toxic\": 1}\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        Predictions p = new LabelledTableSource(file, COLUMNS).read();
        assertEquals(new ScoredExample("a", "en", true, 0.9, true), p.get(0));
    }

    @Test
    void readsCsvAndDerivesDecisionsFromTheThreshold(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.csv");
        Files.writeString(file, "id,text,gold,toxic_score\nr1,\"hello, world\",1,0.7\nr2,bye,0,0.3\n");
        Predictions p = new LabelledTableSource(file,
                new PredictionColumns("gold", "toxic_score", null, "lang", null, 0.5, null)).read();
        assertTrue(p.predicted(0));
        assertFalse(p.predicted(1));
        assertEquals("out.csv line 2", Path.of(p.id(0)).getFileName().toString());
        assertEquals(Predictions.UNKNOWN_LANGUAGE, p.lang(0));
    }

    @Test
    void withoutScoreColumnTheScoreIsTheDecision() {
        ScoredExample p = new PredictionColumns("gold", null, "toxic", null, null, 0.5, null)
                .toExample(java.util.Map.of("gold", "toxic", "toxic", "clean"), "row 1");
        assertEquals(0.0, p.score());
        assertTrue(p.gold());
        assertNull(p.lang());
    }

    @Test
    void badValuesNameFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"gold\": true, \"toxic_score\": 0.4, \"toxic\": false}\n"
                + "{\"gold\": \"maybe\", \"toxic_score\": 0.4, \"toxic\": false}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LabelledTableSource(file, COLUMNS).read());
        assertTrue(e.getMessage().contains("bad.jsonl line 2: column gold: cannot read 'maybe'"), e.getMessage());

        Files.writeString(file, "{\"gold\": true, \"toxic\": false}\n");
        e = assertThrows(IllegalArgumentException.class, () -> new LabelledTableSource(file, COLUMNS).read());
        assertTrue(e.getMessage().contains("line 1: column toxic_score is missing (columns: gold, toxic)"),
                e.getMessage());

        Files.writeString(file, "{\"gold\": true, \"toxic_score\": \"NaN\", \"toxic\": false}\n");
        e = assertThrows(IllegalArgumentException.class, () -> new LabelledTableSource(file, COLUMNS).read());
        assertTrue(e.getMessage().contains("line 1: column toxic_score: score NaN is not finite"), e.getMessage());

        // Rows that cannot be read at all are reported by the datasets reader, in its FILE:LINE form.
        Files.writeString(file, "{\"gold\": true,\n");
        DatasetException unreadable = assertThrows(DatasetException.class,
                () -> new LabelledTableSource(file, COLUMNS).read());
        assertTrue(unreadable.getMessage().contains("bad.jsonl:1: invalid JSON"), unreadable.getMessage());

        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "gold,toxic_score,toxic\n1,0.5\n");
        unreadable = assertThrows(DatasetException.class, () -> new LabelledTableSource(csv, COLUMNS).read());
        assertTrue(unreadable.getMessage().contains("bad.csv:2: expected 3 fields, found 2"), unreadable.getMessage());
    }

    @Test
    void goldColumnCannotDoubleAsPrediction() {
        assertThrows(IllegalArgumentException.class, () -> new PredictionColumns("toxic", null, "toxic", null, null,
                0.5, null));
    }
}
