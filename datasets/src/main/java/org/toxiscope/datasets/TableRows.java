package org.toxiscope.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The rows of one table file, in any format and compression a corpus can be read from, as column-to-text maps
 * without a corpus's text and label mapping: for tables that are not text corpora, such as label's output read back
 * by eval. A bad row or file throws {@link DatasetException}; close it when done.
 */
public final class TableRows implements AutoCloseable {

    private final CorpusFile file;
    private final RowSource source;
    private long line;

    private TableRows(CorpusFile file, RowSource source) {
        this.file = file;
        this.source = source;
    }

    /** Opens {@code path}, its format and compression told by its name or, failing that, its first bytes. */
    public static TableRows open(Path path) {
        CorpusFile file = CorpusFiles.describe(path, path.getFileName().toString());
        try {
            return new TableRows(file, RowSource.open(file, List.of(), in -> in));
        } catch (IOException e) {
            throw new DatasetException(file.display(), 0, null, "cannot read: " + e.getMessage());
        }
    }

    /** The next row's values by column (a JSON null is absent), or null at the end of the file. */
    public Map<String, String> next() {
        RawRow row;
        try {
            row = source.next();
        } catch (IOException e) {
            throw new DatasetException(file.display(), line, null, "read error: " + e.getMessage());
        }
        if (row == null) {
            return null;
        }
        line = row.line();
        if (row.problem() != null) {
            throw new DatasetException(file.display(), line, row.problemField(), row.problem());
        }
        return row.fields();
    }

    /** The line the last row starts on (its record number for Parquet). */
    public long line() {
        return line;
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException e) {
            throw new DatasetException(file.display(), 0, null, "cannot close: " + e.getMessage());
        }
    }
}
