package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BadRecordsTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String failure(Path file, ColumnMapping mapping) {
        DatasetException e = assertThrows(DatasetException.class, () -> {
            try (RecordStream s = Corpus.of(file, mapping).read()) {
                s.forEachRemaining(r -> { });
            }
        });
        return e.getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong field count|text,toxic\\na,0\\nb,1,extra\\n|3: expected 2 fields, found 3",
        "bad label|text,toxic\\na,0\\n\"multi\\nline\",1\\nb,maybe\\n|5: field 'toxic': label \"maybe\" is not 0/1",
        "score out of range|text,toxic\\na,1.5\\n|2: field 'toxic': label \"1.5\" is not",
        "empty label|text,toxic\\na,\\n|2: field 'toxic': label \"\" is not",
        "empty text|text,toxic\\n  ,1\\n|2: field 'text': empty text",
        "unterminated quote|text,toxic\\na,0\\n\"never closed,1\\nb,0\\n|3: unterminated quoted field",
        "empty id|id,text,toxic\\n,a,0\\n|2: field 'id': empty id",
    })
    void csvProblemsNameFileLineAndField(String kind, String content, String expected) throws Exception {
        Path f = write("bad.csv", content.replace("\\n", "\n"));
        String message = failure(f, kind.equals("empty id") ? ColumnMapping.defaults().withId("id") : ColumnMapping.defaults());
        assertTrue(message.startsWith(f + ":" + expected), message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "invalid JSON|{\"text\":\"a\",\"toxic\":0}\\n{\"text\":\"b\",toxic:1}\\n|2: invalid JSON",
        "not an object|{\"text\":\"a\",\"toxic\":0}\\n\\n[1,2]\\n|3: invalid JSON: a line must hold one JSON object",
        "missing label|{\"text\":\"a\",\"toxic\":0}\\n{\"text\":\"b\"}\\n|2: field 'toxic': missing value",
        "null text|{\"text\":\"a\",\"toxic\":0}\\n{\"text\":null,\"toxic\":0}\\n|2: field 'text': missing value",
        "duplicate key|{\"text\":\"a\",\"text\":\"b\",\"toxic\":0}\\n|1: field 'text': key appears twice",
        "bad label word|{\"text\":\"a\",\"toxic\":\"offensive\"}\\n|1: field 'toxic': label \"offensive\" is not",
    })
    void jsonlProblemsNameFileLineAndField(String kind, String content, String expected) throws Exception {
        Path f = write("bad.jsonl", content.replace("\\n", "\n"));
        String message = failure(f, ColumnMapping.defaults());
        assertTrue(message.startsWith(f + ":" + expected), message);
    }

    @Test
    void invalidUtf8IsAnErrorOnItsLine() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("text,toxic\n\"two\nlines\",0\nok,1\nbro".getBytes(StandardCharsets.UTF_8));
        b.write(0xc3);
        b.write(0x28);
        b.write("ken,1\nfine,0\n".getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve("latin.csv");
        Files.write(f, b.toByteArray());
        String message = failure(f, ColumnMapping.defaults());
        assertTrue(message.startsWith(f + ":5: field 'text': invalid UTF-8"), message);

        Path j = dir.resolve("latin.jsonl");
        Files.write(j, ("{\"text\":\"ok\",\"toxic\":0}\n{\"text\":\"caf" + (char) 0 + "\"}").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = Files.readAllBytes(j);
        bytes[bytes.length - 3] = (byte) 0xe9;
        Files.write(j, bytes);
        assertTrue(failure(j, ColumnMapping.defaults()).startsWith(j + ":2: invalid UTF-8"));
    }

    @Test
    void aStrayQuoteCannotSwallowTheFile() throws Exception {
        StringBuilder sb = new StringBuilder("text,toxic\nok,0\n\"stray,1\n");
        for (int i = 0; i < CsvRowSource.MAX_RECORD_LINES + 10; i++) {
            sb.append("line ").append(i).append(",0\n");
        }
        Path f = write("stray.csv", sb.toString());
        assertTrue(failure(f, ColumnMapping.defaults()).startsWith(f + ":3: quoted field runs over more than"));
    }

    @Test
    void anEndlessLineIsRefusedBeforeItFillsTheHeap() throws Exception {
        Path f = dir.resolve("binary.jsonl");
        byte[] bytes = new byte[StrictUtf8Reader.MAX_LINE_CHARS + 100];
        java.util.Arrays.fill(bytes, (byte) 'a');
        bytes[0] = '{';
        Files.write(f, bytes);
        String message = failure(f, ColumnMapping.defaults());
        assertTrue(message.startsWith(f + ": read error: line 1 is longer than"), message);
    }

    @Test
    void parquetRowsAreNumbered() throws Exception {
        Path p = dir.resolve("de-00000-of-00001.parquet");
        try (CorpusWriter w = CorpusWriter.create(p, List.of("text", "toxic"))) {
            w.write(List.of("gut", "0"));
            w.write(List.of("schlecht", "2"));
            w.commit();
        }
        assertTrue(failure(p, ColumnMapping.defaults()).startsWith(p + ":2: field 'toxic': label \"2\""));
    }

    @Test
    void skipWritesEveryRejectWithItsReasonAndCountsIt() throws Exception {
        Path f = write("mixed.csv", "text,toxic\ngood,0\nbad,maybe\nalso good,1\n,1\nx,1,2\nlast,0\n");
        Path rejects = dir.resolve("out/rejects.jsonl");
        ColumnMapping mapping = ColumnMapping.defaults().withOnError(OnError.SKIP, rejects);
        List<String> texts;
        long rejected;
        try (RecordStream s = Corpus.of(f, mapping).read()) {
            texts = s.stream().map(TextRecord::text).toList();
            rejected = s.rejected();
        }
        assertEquals(List.of("good", "also good", "last"), texts);
        assertEquals(3, rejected);
        List<String> lines = Files.readAllLines(rejects);
        assertEquals(3, lines.size());
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(3, first.get("line").getAsInt());
        assertEquals("toxic", first.get("field").getAsString());
        assertEquals("maybe", first.getAsJsonObject("record").get("toxic").getAsString());
        assertTrue(first.get("reason").getAsString().contains("\"maybe\""));
        JsonObject third = JsonParser.parseString(lines.get(2)).getAsJsonObject();
        assertEquals(6, third.get("line").getAsInt());
        assertEquals("x,1,2", third.get("raw").getAsString());
    }

    @Test
    void missingNamedColumnFailsEvenWhenSkipping() throws Exception {
        Path f = write("cols.csv", "text,toxic\na,0\n");
        ColumnMapping mapping = ColumnMapping.defaults().withLabels(List.of("insult")).withOnError(OnError.SKIP, null);
        assertTrue(failure(f, mapping).startsWith(f + ": field 'insult': no such column"));
    }
}
