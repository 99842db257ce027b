package org.toxiscope.datasets;

import java.util.Locale;

/** A record layout: delimited text (CSV, TSV), JSON Lines or Parquet; told by extension, else by content. */
public enum Format {
    CSV(".csv"), TSV(".tsv"), JSONL(".jsonl"), PARQUET(".parquet");

    private final String extension;

    Format(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The format called {@code name} (csv, tsv, jsonl/ndjson, parquet, any case). */
    public static Format named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "tsv" -> TSV;
            case "jsonl", "ndjson" -> JSONL;
            case "parquet" -> PARQUET;
            default -> throw new IllegalArgumentException("format must be csv, tsv, jsonl or parquet, got '" + name + "'");
        };
    }

    /** The format a file name announces once its compression extension is removed, or null when it names none. */
    public static Format ofName(String name) {
        String lower = stripCompression(name).toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".tsv") || lower.endsWith(".tab")) {
            return TSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
            return JSONL;
        }
        if (lower.endsWith(".parquet") || lower.endsWith(".pq")) {
            return PARQUET;
        }
        return null;
    }

    /** The file name without a trailing compression extension. */
    public static String stripCompression(String name) {
        Compression c = Compression.ofName(name);
        if (c == Compression.NONE) {
            return name;
        }
        return name.substring(0, name.lastIndexOf('.'));
    }

    /**
     * Guesses the format from the first decompressed bytes of a file whose name does not tell it:
     * Parquet by its magic, JSON Lines by a leading '{', TSV when the first line has tabs and no commas, else CSV.
     */
    public static Format ofContent(byte[] head, int length) {
        if (length >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
            return PARQUET;
        }
        int i = 0;
        if (length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < length && Character.isWhitespace(head[i])) {
            i++;
        }
        if (i < length && head[i] == '{') {
            return JSONL;
        }
        int tabs = 0;
        int commas = 0;
        for (; i < length && head[i] != '\n'; i++) {
            if (head[i] == '\t') {
                tabs++;
            } else if (head[i] == ',') {
                commas++;
            }
        }
        return tabs > 0 && tabs >= commas ? TSV : CSV;
    }
}
