package org.toxiscope.datasets;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Reads the raw rows of one file in order; a malformed row comes back flagged, a broken file throws. */
interface RowSource extends Closeable {

    /** The columns every row has (CSV, TSV, Parquet), or null when each row names its own (JSON Lines). */
    List<String> header();

    /** The next row, or null at the end of the file. */
    RawRow next() throws IOException;

    /** The column types the file declares (Parquet's schema), by column; empty for text formats. */
    default Map<String, ColumnType> types() {
        return Map.of();
    }

    /**
     * The share of the file's rows read so far, in [0,1], where the file tells its row count (Parquet, in its
     * metadata); NaN where progress is told by the bytes read instead.
     */
    default double rowsRead() {
        return Double.NaN;
    }

    /**
     * The reader for a file's format and compression; {@code stored} wraps the stream of its bytes as stored (e.g. to
     * count them), and is not applied to Parquet, which seeks in the file. {@code columns} names header-less columns.
     */
    static RowSource open(CorpusFile file, List<String> columns, UnaryOperator<InputStream> stored) throws IOException {
        if (file.format() == Format.PARQUET) {
            return new ParquetRowSource(file.path());
        }
        InputStream in = file.compression().decompress(stored.apply(Files.newInputStream(file.path())));
        return switch (file.format()) {
            case JSONL -> new JsonlRowSource(in);
            case CSV -> new CsvRowSource(in, ',', file.display(), columns);
            case TSV -> new CsvRowSource(in, '\t', file.display(), columns);
            case PARQUET -> throw new AssertionError("opened above");
        };
    }
}
