package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageCodesTest {

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
        "data/de.csv, de",
        "data/de-00000-of-00001.parquet, de",
        "corpus/fr/train.jsonl.gz, fr",
        "corpus/uk/dev.tsv, uk",
        "x/ukr_test.jsonl, ukr",
        "x/EN.csv, en",
        "x/train.csv, none",
        "tmp/big.csv, none",
        "tmp/dev.csv, none",
        "src/new/test.jsonl, none",
    })
    void findsCodesInNamesAndFolders(String path, String expected) {
        assertEquals(expected, LanguageCodes.fromPath(Path.of("/base").resolve(path)));
    }
}
