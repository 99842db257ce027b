package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.common.Digests;
import org.toxiscope.datasets.LabelParser;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TableRows;

/**
 * Scored examples from a labelled table on disk, read by the datasets module's {@link TableRows}: every format and
 * compression {@code label} writes (CSV, TSV, JSON Lines, Parquet; gzip, zstd, ...), each row through
 * {@link PredictionColumns}; rows whose gold is an unscored marker are left out and counted.
 */
public final class LabelledTableSource implements PredictionSource {

    private final Path file;
    private final PredictionColumns columns;
    private final LabelParser unscored;
    private int rows = -1;
    private long skipped;

    public LabelledTableSource(Path file, PredictionColumns columns) {
        this.file = file;
        this.columns = columns;
        this.unscored = columns.unscoredMarkers();
    }

    @Override
    public Predictions read() {
        List<ScoredExample> out = new ArrayList<>();
        skipped = 0;
        try (TableRows table = TableRows.open(file)) {
            for (Map<String, String> row; (row = table.next()) != null; ) {
                String gold = row.get(columns.gold());
                if (gold != null && unscored.unscored(gold)) {
                    skipped++;
                } else {
                    out.add(columns.toExample(row, file + " line " + table.line()));
                }
            }
        }
        rows = out.size();
        return Predictions.of(out);
    }

    /** The summary line's part for the rows the last {@link #read} left out as unscored; empty when none. */
    public String skippedNote() {
        return RecordStream.skippedNote(skipped, columns.unscored());
    }

    @Override
    public JsonObject provenance() {
        JsonObject o = new JsonObject();
        o.addProperty("path", file.toAbsolutePath().normalize().toString());
        try {
            o.addProperty("size_bytes", Files.size(file));
            o.addProperty("sha256", Digests.sha256(file));
        } catch (IOException e) {
            o.addProperty("error", "cannot read for checksum: " + e.getMessage());
        }
        if (rows >= 0) {
            o.addProperty("rows", rows);
            o.addProperty("skipped_unscored", skipped);
        }
        o.add("columns", columns.toJson());
        return o;
    }
}
