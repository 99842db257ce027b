package org.toxiscope.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.toxiscope.common.AtomicWrite;

/** The hand-written multilingual sample shipped in this jar (see sample/README.md): as a stream or as a file path. */
public final class SampleCorpus {

    /** Class-path name of the sample: JSON Lines with id, text, lang, toxic. */
    public static final String RESOURCE = "/org/toxiscope/datasets/sample/multilingual.jsonl";

    private SampleCorpus() {
    }

    public static InputStream open() {
        InputStream in = SampleCorpus.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("sample corpus " + RESOURCE + " is missing from the class path");
        }
        return in;
    }

    /**
     * The sample as a file, copied once into {@code dir} (kept between runs, rewritten atomically when it differs).
     */
    public static Path copyTo(Path dir) {
        Path target = dir.resolve("multilingual.jsonl");
        try (InputStream in = open()) {
            byte[] bytes = in.readAllBytes();
            if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
                return target;
            }
            AtomicWrite.writeBytes(target, bytes);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sample corpus to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The sample as a file in the user's temporary folder ({@code toxiscope-sample/multilingual.jsonl}). */
    public static Path path() {
        return copyTo(Path.of(System.getProperty("java.io.tmpdir"), "toxiscope-sample"));
    }

    /** The sample as a corpus with ids from its id column. */
    public static Corpus corpus() {
        return Corpus.of(path(), ColumnMapping.defaults().withId("id"));
    }
}
