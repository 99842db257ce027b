package org.toxiscope.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of one table file, in any format and compression a corpus can be read from, as column-to-text maps
 * without a corpus's text and label mapping: for tables that are not text corpora, such as label's output read back
 * by eval. A bad row or file throws {@link DatasetException}; close it when done.
 */
public final class TableRows implements AutoCloseable {

    private final CorpusFile file;
    private final long size;
    private final RowSource source;
    private CountingInputStream counting;
    private long line;
    private Set<String> nested = Set.of();
    private boolean finished;

    private TableRows(CorpusFile file) {
        this.file = file;
        this.size = file.path().toFile().length();
        try {
            this.source = RowSource.open(file, List.of(), in -> counting = new CountingInputStream(in));
        } catch (IOException e) {
            throw new DatasetException(file.display(), 0, null, "cannot read: " + e.getMessage());
        }
    }

    /** Opens {@code path}, its format and compression told by its name or, failing that, its first bytes. */
    public static TableRows open(Path path) {
        return open(CorpusFiles.describe(path, path.getFileName().toString()));
    }

    static TableRows open(CorpusFile file) {
        return new TableRows(file);
    }

    /** The columns every row has (CSV, TSV, Parquet), or null when each row names its own (JSON Lines). */
    List<String> header() {
        return source.header();
    }

    /** The column types the file declares (Parquet's schema), by column; empty for text formats. */
    Map<String, ColumnType> types() {
        return source.types();
    }

    /** The file, for messages. */
    String display() {
        return file.display();
    }

    /** The columns of the last row that hold a nested object or array as its JSON text. */
    Set<String> nested() {
        return nested;
    }

    /** The share of the file read so far, in [0,1]: its bytes as stored, or a Parquet file's rows. */
    double progress() {
        if (size == 0 || finished) {
            return 1;
        }
        double rows = source.rowsRead();
        if (!Double.isNaN(rows)) {
            return rows;
        }
        return counting == null ? 0 : Math.min(1.0, (double) counting.count() / size);
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
            finished = true;
            return null;
        }
        line = row.line();
        if (row.problem() != null) {
            throw new DatasetException(file.display(), line, row.problemField(), row.problem());
        }
        nested = row.nested();
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
