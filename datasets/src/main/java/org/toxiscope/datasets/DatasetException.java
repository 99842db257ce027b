package org.toxiscope.datasets;

/** A bad record or file: the message reads {@code FILE:LINE: field 'F': reason} so users can find and fix it. */
public final class DatasetException extends RuntimeException {

    private final String file;
    private final long line;
    private final String field;
    private final String reason;

    public DatasetException(String file, long line, String field, String reason) {
        super(format(file, line, field, reason));
        this.file = file;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    private static String format(String file, long line, String field, String reason) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null) {
            sb.append("field '").append(field).append("': ");
        }
        return sb.append(reason).toString();
    }

    public String file() {
        return file;
    }

    /** The 1-based line (record number for Parquet), or 0 when the problem concerns the whole file. */
    public long line() {
        return line;
    }

    /** The offending column, or null when the problem is not one field's. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
