package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.datasets.TableRows;
import org.toxiscope.features.io.FileDigest;

/**
 * Scored examples from a labelled table on disk, read by the datasets module's {@link TableRows}: every format and
 * compression {@code label} writes (CSV, TSV, JSON Lines, Parquet; gzip, zstd, ...), each row through
 * {@link PredictionColumns}.
 */
public final class LabelledTableSource implements PredictionSource {

    private final Path file;
    private final PredictionColumns columns;
    private int rows = -1;

    public LabelledTableSource(Path file, PredictionColumns columns) {
        this.file = file;
        this.columns = columns;
    }

    @Override
    public Predictions read() {
        List<ScoredExample> out = new ArrayList<>();
        try (TableRows table = TableRows.open(file)) {
            for (Map<String, String> row; (row = table.next()) != null; ) {
                out.add(columns.toExample(row, file + " line " + table.line()));
            }
        }
        rows = out.size();
        return Predictions.of(out);
    }

    @Override
    public JsonObject provenance() {
        JsonObject o = new JsonObject();
        o.addProperty("path", file.toAbsolutePath().normalize().toString());
        try {
            o.addProperty("size_bytes", Files.size(file));
            o.addProperty("sha256", FileDigest.sha256(file));
        } catch (IOException e) {
            o.addProperty("error", "cannot read for checksum: " + e.getMessage());
        }
        if (rows >= 0) {
            o.addProperty("rows", rows);
        }
        o.add("columns", columns.toJson());
        return o;
    }
}
