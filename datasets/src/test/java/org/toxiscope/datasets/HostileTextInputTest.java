package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Line endings, huge multi-line CSV fields and damaged compressed input: each fails on its own record or file. */
class HostileTextInputTest {

    @TempDir
    Path dir;

    private static List<TextRecord> readAll(Path file, ColumnMapping mapping) {
        try (RecordStream s = Corpus.of(file, mapping).read()) {
            return s.stream().toList();
        }
    }

    private static String failure(Path file, ColumnMapping mapping) {
        return assertThrows(DatasetException.class, () -> readAll(file, mapping)).getMessage();
    }

    /** Five records, the k-th (1-based) holding the byte 0xff, lines ended by {@code eol}; one header line for CSV. */
    private static byte[] corpus(String format, String eol, int k) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (format.equals("csv")) {
            b.write(("text,toxic" + eol).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 1; i <= 5; i++) {
            String before = format.equals("csv") ? "record" + i : "{\"text\":\"record" + i;
            String after = format.equals("csv") ? ",0" : "\",\"toxic\":0}";
            b.write(before.getBytes(StandardCharsets.UTF_8));
            if (i == k) {
                b.write(0xff);
            }
            b.write((after + eol).getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @ParameterizedTest(name = "{0} {1} record {2}")
    @CsvSource({
        "csv, LF, 1", "csv, LF, 3", "csv, LF, 5", "csv, CRLF, 1", "csv, CRLF, 3", "csv, CRLF, 5",
        "csv, CR, 1", "csv, CR, 3", "csv, CR, 5",
        "jsonl, LF, 1", "jsonl, LF, 3", "jsonl, LF, 5", "jsonl, CRLF, 1", "jsonl, CRLF, 3", "jsonl, CRLF, 5",
        "jsonl, CR, 1", "jsonl, CR, 3", "jsonl, CR, 5",
    })
    void invalidUtf8RejectsExactlyItsRecordWhateverTheLineEnding(String format, String ending, int k) throws Exception {
        String eol = switch (ending) {
            case "LF" -> "\n";
            case "CRLF" -> "\r\n";
            default -> "\r";
        };
        Path f = dir.resolve("data." + format);
        Files.write(f, corpus(format, eol, k));
        Path rejects = dir.resolve("rejects.jsonl");
        List<TextRecord> kept;
        try (RecordStream s = Corpus.of(f, ColumnMapping.defaults().withOnError(OnError.SKIP, rejects)).read()) {
            kept = s.stream().toList();
            assertEquals(1, s.rejected());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            if (i != k) {
                expected.add("record" + i);
            }
        }
        assertEquals(expected, kept.stream().map(TextRecord::text).toList());
        long line = format.equals("csv") ? k + 1 : k;
        String reject = Files.readString(rejects);
        assertTrue(reject.contains("\"line\":" + line + ",") && reject.contains("invalid UTF-8"), reject);
        assertTrue(failure(f, ColumnMapping.defaults()).startsWith(f + ":" + line + ": "), ending);
    }

    @Test
    void crLfSplitAcrossDecodeChunksCountsAsOneLineEnd() throws IOException {
        // Line 1 ends in a lone \r; line 2 ends in a \r\n whose \r is the last character of the first 64K decode
        // chunk: its \n must not count as another line. The malformed byte is on line 3.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("x\r".getBytes(StandardCharsets.US_ASCII));
        byte[] filler = new byte[(1 << 16) - 3];
        Arrays.fill(filler, (byte) 'a');
        b.write(filler);
        b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        b.write(0xff);
        b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        StrictUtf8Reader reader = new StrictUtf8Reader(new ByteArrayInputStream(b.toByteArray()));
        char[] buf = new char[1 << 16];
        while (reader.read(buf, 0, buf.length) >= 0) {
            // drain
        }
        assertFalse(reader.invalidBetween(1, 2));
        assertTrue(reader.invalidBetween(3, 3));
    }

    /** A CSV of a header and one record whose text field holds {@code lines} lines of {@code width} characters. */
    private Path multiLineField(int lines, int width) throws IOException {
        Path f = dir.resolve("big.csv");
        char[] row = new char[width];
        Arrays.fill(row, 'x');
        try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write("id,text,toxic\n1,\"");
            for (int i = 0; i < lines; i++) {
                w.write(row);
                w.write('\n');
            }
            w.write("\",1\n2,after,0\n");
        }
        return f;
    }

    @Test
    void multiLineFieldOfMegabytesParsesInLinearTime() throws Exception {
        // 5,000 lines of 2,000 characters (10 MB in one field): opencsv re-joined the field per line, over two minutes.
        Path f = multiLineField(5_000, 2_000);
        List<TextRecord> records = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> readAll(f, ColumnMapping.defaults()));
        assertEquals(2, records.size());
        assertEquals(5_000 * 2_001, records.get(0).text().length());
        assertEquals(5_003, records.get(1).line());
    }

    @Test
    void fieldOverTheCapIsRefusedWithItsLineAndColumn() throws Exception {
        int lines = CsvRowSource.MAX_FIELD_CHARS / 4_000 + 10;
        Path f = multiLineField(lines, 4_000);
        String message = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> failure(f, ColumnMapping.defaults()));
        assertTrue(message.startsWith(f + ":2: field 'text': field 2 (starting on line 2) is longer than "
                + CsvRowSource.MAX_FIELD_CHARS + " characters"), message);
        Path rejects = dir.resolve("rejects.jsonl");
        List<TextRecord> kept = readAll(f, ColumnMapping.defaults().withOnError(OnError.SKIP, rejects));
        assertEquals(List.of("after"), kept.stream().map(TextRecord::text).toList(), "the reader moves past the field");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "BZIP2", "XZ", "ZSTD"})
    void truncatedCompressedInputNamesTheFileAndTheLastGoodLine(Compression compression) throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(whole)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                sb.append("{\"text\":\"record ").append(i * 7919L % 100_003).append("\",\"toxic\":0}\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = whole.toByteArray();
        Path f = dir.resolve("cut.jsonl" + compression.extension());
        Files.write(f, Arrays.copyOf(bytes, bytes.length / 2));
        String message = failure(f, ColumnMapping.defaults());
        // the decompressors word a cut stream differently (a bare EOFException, "Truncated source", ...)
        assertTrue(message.matches("\\Q" + f + "\\E: compressed data (ends early|cannot be read) (after line \\d+"
                + "|before its first record|at its start) \\(truncated or damaged \\Q" + compression.extension() + "\\E file\\?\\)"
                + "(: [^\\n]+)?"), message);
        assertFalse(message.contains("null"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {".gz", ".xz", ".zst", ".bz2"})
    void headerOnlyFragmentOfACompressedFileNamesTheFile(String extension) throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (OutputStream out = Compression.ofName(extension).compress(whole)) {
            out.write("{\"text\":\"a\",\"toxic\":0}\n".getBytes(StandardCharsets.UTF_8));
        }
        Path f = dir.resolve("stub.jsonl" + extension);
        Files.write(f, Arrays.copyOf(whole.toByteArray(), 5));
        String message = failure(f, ColumnMapping.defaults());
        assertTrue(message.startsWith(f + ": "), message);
        assertTrue(message.contains("truncated or damaged " + extension + " file"), message);
        assertFalse(message.contains("null"), message);
    }
}
