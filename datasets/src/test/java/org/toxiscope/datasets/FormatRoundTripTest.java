package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FormatRoundTripTest {

    @TempDir
    Path dir;

    static final List<String> COLUMNS = List.of("id", "text", "toxic", "lang");

    static List<List<String>> rows() {
        return List.of(
                List.of("a1", "plain text", "1", "en"),
                List.of("a2", "comma, \"quotes\" and\nnewline\r\nand CRLF", "0", "de"),
                List.of("a3", "tab\there ü 世界 مرحبا 😀", "true", "zh"),
                List.of("a4", "{\"json\": [1,2]} \\ backslash", "0.75", "ar"),
                List.of("a5", "42", "no", "ru"));
    }

    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        for (String ext : List.of(".csv", ".tsv", ".jsonl", ".ndjson")) {
            for (String z : List.of("", ".gz", ".bz2", ".xz", ".zst")) {
                out.add(Arguments.of(ext + z));
            }
        }
        out.add(Arguments.of(".parquet"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void writtenRecordsReadBackUnchanged(String suffix) throws Exception {
        Path out = dir.resolve("corpus" + suffix);
        try (CorpusWriter w = CorpusWriter.create(out, COLUMNS)) {
            for (List<String> row : rows()) {
                w.write(row);
            }
            w.commit();
        }
        assertTrue(Files.exists(out));
        assertEquals(List.of(out.getFileName().toString()), list(dir));

        List<TextRecord> read;
        try (RecordStream s = Corpus.of(out, ColumnMapping.defaults().withId("id")).read()) {
            read = s.stream().toList();
        }
        assertEquals(rows().size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            TextRecord r = read.get(i);
            List<String> row = rows().get(i);
            Map<String, String> expected = new LinkedHashMap<>();
            for (int c = 0; c < COLUMNS.size(); c++) {
                expected.put(COLUMNS.get(c), row.get(c));
            }
            String text = row.get(1);
            if (!suffix.startsWith(".parquet") && !suffix.startsWith(".j") && !suffix.startsWith(".n")) {
                // delimited text keeps line breaks inside quotes as LF
                text = text.replace("\r\n", "\n");
                expected.put("text", text);
            }
            assertEquals(expected, r.fields(), "record " + i);
            assertEquals(row.get(0), r.id());
            assertEquals(text, r.text());
            assertEquals(row.get(3), r.lang());
        }
        assertEquals(List.of(true, false, true, true, false), read.stream().map(TextRecord::toxic).toList());
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
