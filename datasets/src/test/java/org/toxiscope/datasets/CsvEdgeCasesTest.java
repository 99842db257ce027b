package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvEdgeCasesTest {

    @TempDir
    Path dir;

    private List<TextRecord> read(Path file, ColumnMapping mapping) {
        try (RecordStream s = Corpus.of(file, mapping).read()) {
            return s.stream().toList();
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, String text) throws Exception {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bomCrlfQuotedCommasQuotesAndNewlines() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        bytes.write(("id,comment_text,toxic\r\n"
                + "1,\"Hello, \"\"world\"\"\r\nsecond line\",1\r\n"
                + "2,plain,0\r\n").getBytes(StandardCharsets.UTF_8));
        List<TextRecord> records = read(write("jigsaw.csv", bytes.toByteArray()), ColumnMapping.defaults());
        assertEquals(2, records.size());
        TextRecord first = records.get(0);
        assertEquals("Hello, \"world\"\nsecond line", first.text());
        assertEquals(List.of("id", "comment_text", "toxic"), List.copyOf(first.fields().keySet()));
        assertEquals(2, first.line());
        assertEquals(4, records.get(1).line());
        assertEquals("plain", records.get(1).text());
        assertEquals(Boolean.TRUE, first.toxic());
        assertEquals("1", first.id(), "the id column is the id by default (and the BOM did not mangle its name)");
    }

    @Test
    void jigsawMultiLabelKeepsLabelOrder() throws Exception {
        Path f = write("train.csv", "id,comment_text,toxic,severe_toxic,obscene,threat,insult,identity_hate\n"
                + "x,you idiot,1,0,0,0,1,0\n");
        TextRecord r = read(f, ColumnMapping.defaults().withId("id")
                .withLabels(List.of("toxic", "insult", "threat"))).get(0);
        assertEquals(List.of("toxic", "insult", "threat"), List.copyOf(r.labels().keySet()));
        assertEquals(List.of(true, true, false), List.copyOf(r.labels().values()));
        assertEquals("x", r.id());
        assertNull(r.lang());
    }

    @Test
    void headerlessFileNeedsColumns() throws Exception {
        Path f = write("noheader.csv", "hello there,0\nshut up,1\n");
        List<TextRecord> r = read(f, ColumnMapping.defaults().withColumns(List.of("text", "label")));
        assertEquals(2, r.size());
        assertEquals(List.of(false, true), r.stream().map(TextRecord::toxic).toList());
        DatasetException e = assertThrows(DatasetException.class, () -> read(f, ColumnMapping.defaults()));
        assertTrue(e.getMessage().startsWith(f + ": no text column"), e.getMessage());
    }

    @Test
    void tsvAllowsBareQuotesAndQuotedTabs() throws Exception {
        Path f = write("data.tsv", "text\tlabel\nhe said \"hi\"\tneutral\n\"a\tb\"\ttoxic\n");
        List<TextRecord> r = read(f, ColumnMapping.defaults());
        assertEquals("he said \"hi\"", r.get(0).text());
        assertEquals("a\tb", r.get(1).text());
        assertEquals(List.of(false, true), r.stream().map(TextRecord::toxic).toList());
    }

    @Test
    void blankLinesAreNotRecords() throws Exception {
        Path f = write("gaps.csv", "text,toxic\n\na,0\n\n\nb,1\n");
        List<TextRecord> r = read(f, ColumnMapping.defaults());
        assertEquals(List.of(3L, 6L), r.stream().map(TextRecord::line).toList());
    }

    @Test
    void folderReadsAsOneCorpusWithLanguagesFromPaths() throws Exception {
        write("corpus/de.csv", "text,toxic\nhallo,0\n");
        write("corpus/fr/train.jsonl", "{\"text\":\"salut\",\"toxic\":1}\n");
        write("corpus/mixed.jsonl", "{\"text\":\"hi\",\"toxic\":0,\"language\":\"EN\"}\n");
        write("corpus/README.md", "not data");
        List<TextRecord> r = read(dir.resolve("corpus"), ColumnMapping.defaults());
        assertEquals(List.of("de", "fr", "en"), r.stream().map(TextRecord::lang).toList());
        assertEquals(List.of("de.csv:1", "fr/train.jsonl:1", "mixed.jsonl:1"), r.stream().map(TextRecord::id).toList());

        List<TextRecord> glob = read(Path.of(dir + "/corpus/*.csv"), ColumnMapping.defaults().withLang("xx"));
        assertEquals(1, glob.size());
        assertEquals("xx", glob.get(0).lang());
    }

    @Test
    void contentSniffingFindsFormatAndCompression() throws Exception {
        Path jsonl = dir.resolve("data.jsonl.gz");
        try (CorpusWriter w = CorpusWriter.create(jsonl, List.of("text", "toxic"))) {
            w.write(List.of("hej", "0"));
            w.commit();
        }
        Path odd = dir.resolve("data.bin");
        Files.move(jsonl, odd);
        TextRecord r = read(odd, ColumnMapping.defaults()).get(0);
        assertEquals(Map.of("text", "hej", "toxic", "0"), r.fields());
    }
}
