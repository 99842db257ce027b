package org.toxiscope.datasets;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Reads the raw rows of one file in order; a malformed row comes back flagged, a broken file throws. */
interface RowSource extends Closeable {

    /** The columns every row has (CSV, TSV, Parquet), or null when each row names its own (JSON Lines). */
    List<String> header();

    /** The next row, or null at the end of the file. */
    RawRow next() throws IOException;
}
