package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetInputTest {

    @TempDir
    Path dir;

    /** Hugging Face style: one file per language, typed columns (text VARCHAR, toxic BIGINT), as textdetox publishes. */
    @Test
    void typedParquetPerLanguageReadsAsOneCorpus() throws Exception {
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            for (String lang : List.of("de", "uk")) {
                s.execute("COPY (SELECT * FROM (VALUES ('gut gemacht', 0::BIGINT), ('du Trottel', 1::BIGINT), "
                        + "(NULL, 0::BIGINT)) t(text, toxic)) TO "
                        + DuckDb.literal(data.resolve(lang + "-00000-of-00001.parquet").toString()) + " (FORMAT parquet)");
            }
        }
        ColumnMapping skip = ColumnMapping.defaults().withOnError(OnError.SKIP, dir.resolve("rejects.jsonl"));
        List<TextRecord> records;
        long rejected;
        Corpus corpus = Corpus.of(data, skip);
        assertEquals(data.resolve("de-00000-of-00001.parquet") + ", " + data.resolve("uk-00000-of-00001.parquet"),
                corpus.display(), "the files as given, for messages");
        try (RecordStream s = corpus.read()) {
            records = s.stream().toList();
            rejected = s.rejected();
        }
        assertEquals(4, records.size());
        assertEquals(2, rejected);
        assertEquals(List.of("de", "de", "uk", "uk"), records.stream().map(TextRecord::lang).toList());
        assertEquals(List.of(false, true, false, true), records.stream().map(TextRecord::toxic).toList());
        assertEquals("de-00000-of-00001.parquet:2", records.get(1).id());
        assertEquals(2, records.get(1).line());
    }
}
