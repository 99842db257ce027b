package org.toxiscope.datasets;

import java.nio.file.Path;
import java.util.List;

/** A labelled text corpus: the files one or more inputs name, read under one column mapping; readable many times. */
public final class Corpus {

    private final List<CorpusFile> files;
    private final ColumnMapping mapping;

    private Corpus(List<CorpusFile> files, ColumnMapping mapping) {
        this.files = List.copyOf(files);
        this.mapping = mapping;
    }

    /** The corpus made of {@code inputs} (files, folders, globs); fails now when one names nothing readable. */
    public static Corpus of(List<String> inputs, ColumnMapping mapping) {
        return new Corpus(CorpusFiles.resolve(inputs), mapping);
    }

    public static Corpus of(Path input, ColumnMapping mapping) {
        return of(List.of(input.toString()), mapping);
    }

    public List<CorpusFile> files() {
        return files;
    }

    public ColumnMapping mapping() {
        return mapping;
    }

    /** A fresh pass over the records; close it when done. */
    public RecordStream read() {
        return new RecordStream(files, mapping);
    }
}
