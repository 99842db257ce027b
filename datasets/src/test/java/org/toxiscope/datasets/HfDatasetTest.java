package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;

/**
 * Hugging Face dataset ids resolved in the local hub cache as huggingface_hub lays it out (refs, snapshots of links
 * into blobs): textdetox/multilingual_toxicity_dataset's one Parquet per language, and a Parquet-converted dataset.
 */
class HfDatasetTest {

    static final String REV = "2d1e4c6f8a0b2d4e6f8a0b2c4d6e8f0a1b3c5d7e";
    static final String CONVERTED = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    static final String REPO = "datasets--textdetox--multilingual_toxicity_dataset";

    @TempDir
    Path dir;
    Path hub;

    /** A Parquet file of {@code rows} (SQL VALUES of text, toxic) stored as a blob and linked from the snapshot. */
    static void parquet(Path repo, String rev, String name, String rows) throws Exception {
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path blob = blobs.resolve(Integer.toHexString(name.hashCode()) + "0000");
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES " + rows + ") t(text, toxic)) TO " + DuckDb.literal(blob.toString())
                    + " (FORMAT parquet)");
        }
        Path link = repo.resolve("snapshots").resolve(rev).resolve(name);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }

    /** textdetox as the hub cache holds it: refs/main and data/{en,de,uk}-00000-of-00001.parquet (text, toxic int64). */
    static Path textdetox(Path hub) throws Exception {
        Path repo = hub.resolve(REPO);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), REV);
        parquet(repo, REV, "data/en-00000-of-00001.parquet",
                "('you are wonderful', 0::BIGINT), ('you are an idiot', 1::BIGINT), ('thanks a lot', 0::BIGINT)");
        parquet(repo, REV, "data/de-00000-of-00001.parquet", "('gut gemacht', 0::BIGINT), ('du Trottel', 1::BIGINT)");
        parquet(repo, REV, "data/uk-00000-of-00001.parquet", "('дякую', 0::BIGINT), ('ти дурень', 1::BIGINT)");
        Files.writeString(repo.resolve("snapshots").resolve(REV).resolve("README.md"), "---\nlicense: openrail++\n");
        return repo;
    }

    @BeforeEach
    void cache() throws Exception {
        hub = dir.resolve("hub");
        textdetox(hub);
    }

    private List<CorpusFile> resolve(String id) {
        return HfDataset.resolve(id, new HfCache(Map.of("HF_HUB_CACHE", hub.toString())), new ArrayList<>());
    }

    private static List<TextRecord> read(List<CorpusFile> files) {
        try (RecordStream s = new RecordStream(files, ColumnMapping.defaults(), null)) {
            return s.stream().toList();
        }
    }

    @Test
    void anIdWithoutSplitReadsEveryLanguageTyped() {
        List<CorpusFile> files = resolve("textdetox/multilingual_toxicity_dataset");
        assertEquals(List.of("data/de-00000-of-00001.parquet", "data/en-00000-of-00001.parquet",
                "data/uk-00000-of-00001.parquet"), files.stream().map(CorpusFile::name).toList());
        List<TextRecord> records = read(files);
        assertEquals(7, records.size());
        assertEquals(List.of("de", "de", "en", "en", "en", "uk", "uk"), records.stream().map(TextRecord::lang).toList());
        assertEquals(List.of(false, true, false, true, false, false, true),
                records.stream().map(TextRecord::toxic).toList());
        assertEquals("data/en-00000-of-00001.parquet:2", records.get(3).id());
        assertEquals(Map.of("text", ColumnType.TEXT, "toxic", ColumnType.BIGINT), records.get(0).types());
        assertEquals("1", records.get(1).fields().get("toxic"));
    }

    @Test
    void aSplitPicksOneLanguageAndACommitPinsTheSnapshot() {
        List<TextRecord> en = read(resolve("textdetox/multilingual_toxicity_dataset/en"));
        assertEquals(List.of("you are wonderful", "you are an idiot", "thanks a lot"),
                en.stream().map(TextRecord::text).toList());
        assertEquals(2, read(resolve("textdetox/multilingual_toxicity_dataset@" + REV + "/uk")).size());
        assertEquals(2, read(resolve("textdetox/multilingual_toxicity_dataset@main:default/de")).size());
    }

    @Test
    void anUnknownSplitOrConfigNamesTheOnesThere() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> resolve("textdetox/multilingual_toxicity_dataset/fr"));
        assertTrue(e.getMessage().contains("no split 'fr'") && e.getMessage().contains("splits de, en, uk"),
                e.getMessage());
        e = assertThrows(DatasetException.class, () -> resolve("textdetox/multilingual_toxicity_dataset:extra"));
        assertTrue(e.getMessage().contains("no config 'extra'") && e.getMessage().contains("configs: default"),
                e.getMessage());
    }

    @Test
    void theParquetConversionIsFoundWhenTheMainSnapshotHoldsNoDataFiles() throws Exception {
        Path repo = hub.resolve("datasets--someone--scripted");
        Files.createDirectories(repo.resolve("refs/refs/convert"));
        Files.writeString(repo.resolve("refs/main"), REV);
        Files.createDirectories(repo.resolve("snapshots").resolve(REV));
        Files.writeString(repo.resolve("snapshots").resolve(REV).resolve("scripted.py"), "# a loading script\n");
        Files.writeString(repo.resolve("refs/refs/convert/parquet"), CONVERTED);
        parquet(repo, CONVERTED, "default/train/0000.parquet", "('a b c', 1::BIGINT), ('d e f', 0::BIGINT)");
        parquet(repo, CONVERTED, "default/test/0000.parquet", "('g h i', 0::BIGINT)");
        assertEquals(List.of("default/test/0000.parquet", "default/train/0000.parquet"),
                resolve("someone/scripted").stream().map(CorpusFile::name).toList());
        assertEquals(List.of("a b c", "d e f"), read(resolve("someone/scripted/train")).stream()
                .map(TextRecord::text).toList());
        assertEquals(1, read(resolve("someone/scripted@refs/convert/parquet:default/test")).size());
    }

    @Test
    void notFoundIsOneLineListingEveryPlaceLookedIn() {
        List<String> looked = new ArrayList<>(List.of("the path /nowhere/textdetox/missing"));
        DatasetException e = assertThrows(DatasetException.class, () -> HfDataset.resolve("textdetox/missing",
                new HfCache(Map.of("HF_HUB_CACHE", hub.toString())), looked));
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        assertTrue(m.contains("the path /nowhere/textdetox/missing"), m);
        assertTrue(m.contains(hub.resolve("datasets--textdetox--missing") + " (from $HF_HUB_CACHE)"), m);
        assertTrue(m.contains("No network access is attempted"), m);
    }

    @Test
    void aMissingIdOnTheCommandLineSaysItIsNeitherAPathNorACachedDataset() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> CorpusFiles.resolve(List.of("no-such-org-x7/no-such-dataset-x7")));
        assertTrue(e.getMessage().contains("nor a Hugging Face dataset") && e.getMessage().contains("the path "),
                e.getMessage());
    }
}
