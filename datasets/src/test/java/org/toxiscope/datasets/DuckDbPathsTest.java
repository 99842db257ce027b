package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbPathsTest {

    @TempDir
    Path dir;

    private static void parquet(Path file, String value) throws Exception {
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT " + DuckDb.literal(value) + " AS text) TO " + DuckDb.literal(file.toString())
                    + " (FORMAT parquet)");
        }
    }

    private static List<String> texts(Path parquet) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT text FROM read_parquet(" + DuckDb.fileLiteral(parquet) + ")")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    @Test
    void globCharactersInAnInputNameAreLiteral() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("it's [a]*?"));
        parquet(sub.resolve("x1.parquet"), "decoy");
        Path named = sub.resolve("x[1].parquet");
        parquet(named, "wanted");
        try (ParquetRowSource rows = new ParquetRowSource(named)) {
            assertEquals("wanted", rows.next().fields().get("text"));
        }
        assertEquals(List.of("wanted"), texts(named));
    }

    @Test
    void globCharactersInAnOutputFolderNeverPickAnotherFoldersPartialFile() throws Exception {
        Path decoy = Files.createDirectories(dir.resolve("o1")).resolve("train.parquet.partial");
        Files.writeString(decoy, "{\"text\":\"decoy\"}\n");
        Path target = Files.createDirectories(dir.resolve("o[1]")).resolve("train.parquet");
        try (CorpusWriter w = CorpusWriter.create(target, List.of("text"))) {
            w.write(List.of("wanted"));
            w.commit();
        }
        assertEquals(List.of("wanted"), texts(target));
    }
}
