package org.toxiscope.datasets;

import java.nio.file.Path;

/**
 * One file of a corpus: where it is, its name relative to the input (used in stable ids), how it is laid out,
 * and the language code its path names (null when none).
 */
public record CorpusFile(Path path, String name, Format format, Compression compression, String pathLanguage) {

    /** The file as users gave it, for messages. */
    public String display() {
        return path.toString();
    }
}
