package org.toxiscope.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.opencsv.CSVParserBuilder;
import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.exceptions.CsvValidationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Predictions from a labelled table on disk: JSON Lines (.jsonl/.ndjson, one object per line) or CSV/TSV with a
 * header row. A stop-gap until the datasets module's reader is wired in; the row-to-prediction rules live in
 * {@link PredictionColumns}, so only the row reading changes then.
 */
public final class LabelledFileSource implements PredictionSource {

    private final Path file;
    private final PredictionColumns columns;
    private int rows = -1;

    public LabelledFileSource(Path file, PredictionColumns columns) {
        this.file = file;
        this.columns = columns;
    }

    @Override
    public Predictions read() throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<ScoredExample> out = name.endsWith(".jsonl") || name.endsWith(".ndjson") ? readJsonLines()
                : name.endsWith(".csv") ? readDelimited(',')
                : name.endsWith(".tsv") ? readDelimited('\t')
                : null;
        if (out == null) {
            throw new IllegalArgumentException(file + ": unknown format, expected .jsonl, .ndjson, .csv or .tsv");
        }
        rows = out.size();
        return Predictions.of(out);
    }

    private List<ScoredExample> readJsonLines() throws IOException {
        List<ScoredExample> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lineNumber;
                JsonElement element;
                try {
                    element = JsonParser.parseString(line);
                } catch (JsonParseException e) {
                    throw new IllegalArgumentException(where + ": not valid JSON (" + e.getMessage() + ")");
                }
                if (!element.isJsonObject()) {
                    throw new IllegalArgumentException(where + ": expected a JSON object");
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
                    JsonElement v = e.getValue();
                    row.put(e.getKey(), v.isJsonNull() ? null : v.isJsonPrimitive() ? v.getAsString() : v.toString());
                }
                out.add(columns.toExample(row, where));
            }
        }
        return out;
    }

    private List<ScoredExample> readDelimited(char separator) throws IOException {
        List<ScoredExample> out = new ArrayList<>();
        try (CSVReader reader = new CSVReaderBuilder(Files.newBufferedReader(file, StandardCharsets.UTF_8))
                .withCSVParser(new CSVParserBuilder().withSeparator(separator).build()).build()) {
            String[] header = reader.readNext();
            if (header == null) {
                throw new IllegalArgumentException(file + ": empty file, expected a header row");
            }
            for (String[] cells; (cells = reader.readNext()) != null; ) {
                String where = file + " line " + reader.getLinesRead();
                if (cells.length == 1 && cells[0].isBlank()) {
                    continue;
                }
                if (cells.length != header.length) {
                    throw new IllegalArgumentException(where + ": " + cells.length + " fields, header has "
                            + header.length);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i].trim(), cells[i]);
                }
                out.add(columns.toExample(row, where));
            }
        } catch (CsvValidationException e) {
            throw new IllegalArgumentException(file + ": malformed CSV: " + e.getMessage());
        }
        return out;
    }

    @Override
    public JsonObject provenance() {
        JsonObject o = new JsonObject();
        o.addProperty("path", file.toAbsolutePath().normalize().toString());
        try {
            o.addProperty("size_bytes", Files.size(file));
            o.addProperty("sha256", sha256(file));
        } catch (IOException e) {
            o.addProperty("error", "cannot read for checksum: " + e.getMessage());
        }
        if (rows >= 0) {
            o.addProperty("rows", rows);
        }
        o.add("columns", columns.toJson());
        return o;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this Java runtime", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
