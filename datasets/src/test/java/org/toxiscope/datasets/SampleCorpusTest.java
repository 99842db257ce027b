package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCorpusTest {

    @TempDir
    Path dir;

    @Test
    void sampleHasSevenBalancedLanguagesAndNoDuplicates() {
        Corpus corpus = Corpus.of(SampleCorpus.copyTo(dir), ColumnMapping.defaults().withId("id"));
        StatsReport report = CorpusStats.of(corpus);
        assertEquals(308, report.records());
        assertEquals(0, report.rejected());
        assertEquals(0, report.duplicates());
        assertEquals(7, report.byLanguage().size());
        report.byLanguage().forEach((lang, counts) -> {
            assertEquals(22, counts.toxic(), lang);
            assertEquals(22, counts.nonToxic(), lang);
        });
        assertTrue(report.byLanguage().containsKey("zh") && report.byLanguage().containsKey("ar")
                && report.byLanguage().containsKey("ru"));
    }

    @Test
    void copyIsReusedWhenUnchanged() {
        Path first = SampleCorpus.copyTo(dir);
        long modified = first.toFile().lastModified();
        assertEquals(first, SampleCorpus.copyTo(dir));
        assertEquals(modified, first.toFile().lastModified());
    }
}
