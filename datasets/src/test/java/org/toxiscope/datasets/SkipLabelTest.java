package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unscored label markers (Jigsaw's -1): skipped rows are counted, never rejected, and never shift stable ids. */
class SkipLabelTest {

    @TempDir
    Path dir;

    private static final String JIGSAW = "id,comment_text,toxic,insult\n"
            + "a,\"first\nline\",1,0\n"
            + "b,unscored,-1,-1\n"
            + "c,half,0,-1\n"
            + "d,fine,0,0\n"
            + "e,as double,-1.0,-1.0\n";

    private record Read(List<TextRecord> records, long skipped, long rejected, String note) {
    }

    private static Read read(Path file, ColumnMapping mapping) {
        try (RecordStream s = Corpus.of(file, mapping).read()) {
            List<TextRecord> out = new ArrayList<>();
            s.forEachRemaining(out::add);
            return new Read(out, s.skipped(), s.rejected(), s.skippedNote());
        }
    }

    private static ColumnMapping mapping(List<String> labels, List<String> skip) {
        return new ColumnMapping(null, labels, null, "en", null, 0.5, List.of(), OnError.FAIL, null, skip, true);
    }

    @Test
    void minusOneIsSkippedByDefaultAndCounted() throws Exception {
        Path f = Files.writeString(dir.resolve("test.csv"), JIGSAW);
        Read r = read(f, ColumnMapping.defaults().withLang("en"));
        assertEquals(List.of("a", "c", "d"), r.records().stream().map(TextRecord::id).toList());
        assertEquals(2, r.skipped(), "-1 and -1.0 are the same number");
        assertEquals(0, r.rejected());
        assertEquals("; 2 rows skipped: label -1 (unscored)", r.note());
        assertEquals("first\nline", r.records().get(0).text());
    }

    @Test
    void aRowIsSkippedWhenAnyRequestedLabelIsUnscored() throws Exception {
        Path f = Files.writeString(dir.resolve("test.csv"), JIGSAW + "f,bad label then unscored,perhaps,-1\n");
        Read r = read(f, mapping(List.of("toxic", "insult"), null));
        assertEquals(List.of("a", "d"), r.records().stream().map(TextRecord::id).toList());
        assertEquals(4, r.skipped());
        assertEquals(List.of(true, false), r.records().stream().map(t -> t.labels().get("toxic")).toList());
    }

    @Test
    void stableRecordIdsCountSkippedRows() throws Exception {
        Path f = Files.writeString(dir.resolve("t.jsonl"),
                "{\"text\":\"x\",\"toxic\":-1}\n{\"text\":\"y\",\"toxic\":1}\n");
        Read r = read(f, ColumnMapping.defaults());
        assertEquals(List.of("t.jsonl:2"), r.records().stream().map(TextRecord::id).toList());
    }

    @Test
    void withoutMarkersMinusOneIsAnErrorNamingTheFlag() throws Exception {
        Path f = Files.writeString(dir.resolve("test.csv"), JIGSAW);
        DatasetException e = assertThrows(DatasetException.class, () -> read(f, mapping(List.of(), List.of())));
        assertTrue(e.getMessage().startsWith(f + ":4: field 'toxic': label \"-1\""), e.getMessage());
        assertTrue(e.getMessage().contains("pass --skip-label -1"), e.getMessage());
    }

    @Test
    void otherMarkersReplaceTheDefaultAndMatchIgnoringCase() throws Exception {
        Path f = Files.writeString(dir.resolve("t.csv"), "text,toxic\na,1\nb, na \nc,0\n");
        Read r = read(f, mapping(List.of(), List.of("NA")));
        assertEquals(List.of("a", "c"), r.records().stream().map(TextRecord::text).toList());
        assertEquals("; 1 row skipped: label NA (unscored)", r.note());
        assertFalse(new LabelParser(0.5, List.of("NA")).unscored("-1"), "the default is replaced");
    }

    @Test
    void aMappingWithoutLabelsKeepsEveryRowWhateverItsLabelHolds() throws Exception {
        Path f = Files.writeString(dir.resolve("test.csv"), JIGSAW + "f,bad label,perhaps,0\n");
        Read r = read(f, ColumnMapping.defaults().withoutLabels());
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), r.records().stream().map(TextRecord::id).toList());
        assertEquals(0, r.skipped());
        assertTrue(r.records().stream().allMatch(t -> t.toxic() == null));
    }

    @Test
    void aMarkerThatIsALabelValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mapping(List.of(), List.of("0")));
        assertEquals("--skip-label 0: '0' is a label value, not a marker of unscored rows", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mapping(List.of(), List.of("0.3")));
    }
}
