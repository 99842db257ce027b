package org.toxiscope.datasets;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A labelled text corpus: the files one or more inputs name, read under one column mapping; readable many times. */
public final class Corpus {

    private final List<CorpusFile> files;
    private final ColumnMapping mapping;
    private final Supplier<Predicate<TextRecord>> filter;
    /** The samplings applied, in order ("" for the whole corpus), so {@link #describe} can tell two cuts apart. */
    private final String sampling;

    private Corpus(List<CorpusFile> files, ColumnMapping mapping, Supplier<Predicate<TextRecord>> filter,
                   String sampling) {
        this.files = List.copyOf(files);
        this.mapping = mapping;
        this.filter = filter;
        this.sampling = sampling;
    }

    /** The corpus made of {@code inputs} (files, folders, globs); fails now when one names nothing readable. */
    public static Corpus of(List<String> inputs, ColumnMapping mapping) {
        return new Corpus(CorpusFiles.resolve(inputs), mapping, null, "");
    }

    public static Corpus of(Path input, ColumnMapping mapping) {
        return of(List.of(input.toString()), mapping);
    }

    public List<CorpusFile> files() {
        return files;
    }

    /** The files' absolute, normalized paths as a JSON array, in order: how provenance names the data. */
    public JsonArray provenancePaths() {
        JsonArray paths = new JsonArray();
        files.forEach(f -> paths.add(f.path().toAbsolutePath().normalize().toString()));
        return paths;
    }

    /** The files as users gave them, comma-separated, for messages. */
    public String display() {
        return String.join(", ", files.stream().map(CorpusFile::display).toList());
    }

    public ColumnMapping mapping() {
        return mapping;
    }

    /** A fresh pass over the records; close it when done. */
    public RecordStream read() {
        return new RecordStream(files, mapping, filter == null ? null : filter.get());
    }

    /**
     * This corpus cut down to a deterministic stratified sample; plans it now with one pass over the records.
     * Records left out of the sample are not counted as read or rejected by later passes.
     */
    public Corpus sample(Sampling sampling) {
        StratifiedSplit plan = StratifiedSplit.sample(this, sampling);
        return new Corpus(files, mapping, () -> {
            StratifiedSplit.Assigner assigner = plan.assigner();
            Predicate<TextRecord> previous = filter == null ? null : filter.get();
            return r -> (previous == null || previous.test(r)) && assigner.assign(r) == 0;
        }, (this.sampling.isEmpty() ? "" : this.sampling + ", then ") + sampling);
    }

    /**
     * What the records of a pass depend on, for an output's resume state: each file with its size and modification
     * time, the column mapping and any sampling, in a fixed order.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (CorpusFile f : files) {
            out.put("input " + f.path().toAbsolutePath(), state(f.path()));
        }
        out.put("columns", mapping.toString());
        if (!sampling.isEmpty()) {
            out.put("sampling", sampling);
        }
        return out;
    }

    /** A file's size and modification time, which a resumed output must find unchanged. */
    static String state(Path file) {
        try {
            return Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read its size and time: " + e.getMessage(), e);
        }
    }
}
