package org.toxiscope.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 rows (quotes doubled, no backslash escapes, newlines inside quotes, CRLF or lone CR, BOM) with a header row
 * or given column names; the same reader serves TSV with a tab separator, as pandas writes it. Parsing is one pass
 * over the characters, linear in the input, and no field may exceed {@link #MAX_FIELD_CHARS}.
 */
final class CsvRowSource implements RowSource {

    // A stray quote would otherwise pull the rest of the file into one field.
    static final int MAX_RECORD_LINES = 10_000;
    // Bounds the heap a single field can take; 16 Mi characters is far above any real comment or document.
    static final int MAX_FIELD_CHARS = 1 << 24;

    private static final int EOF = -1;

    private final String file;
    private final char separator;
    private final StrictUtf8Reader text;
    private final char[] buf = new char[1 << 16];
    private final List<String> header;
    private int pos;
    private int limit;
    // the line the next character lies on, counted as StrictUtf8Reader counts lines
    private long line = 1;
    private boolean done;

    CsvRowSource(InputStream in, char separator, String file, List<String> columns) throws IOException {
        this.file = file;
        this.separator = separator;
        this.text = new StrictUtf8Reader(in);
        if (!columns.isEmpty()) {
            header = List.copyOf(columns);
        } else {
            Parsed names = parse(List.of());
            if (names == null) {
                header = List.of();
                done = true;
            } else if (names.problem != null) {
                throw new DatasetException(file, 1, null, "header row: " + names.problem);
            } else {
                header = checkHeader(names.values, names.lastLine);
            }
        }
    }

    private List<String> checkHeader(List<String> names, long lastLine) {
        if (text.invalidBetween(1, lastLine)) {
            throw new DatasetException(file, 1, null, "header row is not valid UTF-8");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>(names.size());
        for (String name : names) {
            String n = name.trim();
            if (n.isEmpty()) {
                throw new DatasetException(file, 1, null, "header row has an empty column name; give the names with --columns");
            }
            if (!seen.add(n)) {
                throw new DatasetException(file, 1, n, "column name appears twice in the header row");
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public RawRow next() throws IOException {
        while (!done) {
            long first = line;
            Parsed row = parse(header);
            if (row == null) {
                done = true;
                return null;
            }
            if (row.problem != null) {
                return RawRow.bad(first, null, null, row.problemField, row.problem);
            }
            List<String> values = row.values;
            if (values.size() == 1 && values.get(0).isEmpty() && header.size() != 1) {
                continue; // blank line, not a record
            }
            String raw = String.join(String.valueOf(separator), values);
            if (text.invalidBetween(first, row.lastLine)) {
                return RawRow.bad(first, null, raw, fieldWithReplacement(values), "invalid UTF-8 byte sequence");
            }
            if (values.size() != header.size()) {
                return RawRow.bad(first, null, raw, null,
                        "expected " + header.size() + " fields, found " + values.size());
            }
            LinkedHashMap<String, String> fields = new LinkedHashMap<>(header.size() * 2);
            for (int i = 0; i < values.size(); i++) {
                fields.put(header.get(i), values.get(i));
            }
            return RawRow.ok(first, fields);
        }
        return null;
    }

    /** One record's fields, or why it could not be read (then the reader has moved past it, or to the end). */
    private record Parsed(List<String> values, long lastLine, String problem, String problemField) {
    }

    /**
     * Reads one record up to and including its line end; null at the end of input. {@code names} names the fields in
     * problems (empty for the header row itself).
     */
    private Parsed parse(List<String> names) throws IOException {
        if (peek() == EOF) {
            return null;
        }
        long first = line;
        List<String> values = new ArrayList<>(Math.max(names.size(), 4));
        StringBuilder field = new StringBuilder();
        String problem = null;
        String problemField = null;
        while (true) {
            long fieldLine = line;
            int column = values.size() + 1;
            boolean quoted = peek() == '"';
            boolean overCap = false;
            if (quoted) {
                pos++;
            }
            int c;
            while (true) {
                c = peek();
                if (c == EOF) {
                    if (quoted) {
                        done = true;
                        return new Parsed(null, line, "unterminated quoted field (the record runs to the end of the file)",
                                null);
                    }
                    break;
                }
                if (quoted && c == '"') {
                    pos++;
                    if (peek() == '"') {
                        pos++;
                        overCap |= append(field, '"', overCap);
                        continue;
                    }
                    quoted = false; // closing quote; anything up to the separator is kept as written
                    continue;
                }
                if (!quoted && (c == separator || c == '\r' || c == '\n')) {
                    break;
                }
                if (c == '\r' || c == '\n') {
                    // a line end inside quotes is part of the field, kept as \n whatever the file uses
                    consumeLineEnd();
                    if (line - first >= MAX_RECORD_LINES) {
                        done = true;
                        return new Parsed(null, line, "quoted field runs over more than " + MAX_RECORD_LINES
                                + " lines (a stray quote?); the rest of the file is not read", null);
                    }
                    overCap |= append(field, '\n', overCap);
                    continue;
                }
                overCap |= appendRun(field, quoted, overCap);
            }
            if (overCap && problem == null) {
                problemField = column <= names.size() ? names.get(column - 1) : null;
                problem = "field " + column + " (starting on line " + fieldLine + ") is longer than "
                        + MAX_FIELD_CHARS + " characters";
            }
            values.add(problem == null ? field.toString() : "");
            field.setLength(0);
            if (c == separator) {
                pos++;
                continue;
            }
            long last = line;
            if (c != EOF) {
                consumeLineEnd();
            }
            return problem == null ? new Parsed(values, last, null, null) : new Parsed(null, last, problem, problemField);
        }
    }

    /** Appends one character unless the field is over the cap already; true when it is (or now goes) over. */
    private static boolean append(StringBuilder field, char ch, boolean overCap) {
        if (overCap || field.length() >= MAX_FIELD_CHARS) {
            return true;
        }
        field.append(ch);
        return false;
    }

    /** Appends the buffered run of ordinary characters at {@code pos} in one copy; true when the field is over the cap. */
    private boolean appendRun(StringBuilder field, boolean quoted, boolean overCap) {
        int end = pos;
        while (end < limit) {
            char ch = buf[end];
            if (ch == '\r' || ch == '\n' || (quoted ? ch == '"' : ch == separator)) {
                break;
            }
            end++;
        }
        int n = end - pos;
        boolean over = overCap || field.length() + n > MAX_FIELD_CHARS;
        if (!over) {
            field.append(buf, pos, n);
        }
        pos = end;
        return over;
    }

    private void consumeLineEnd() throws IOException {
        if (buf[pos++] == '\r' && peek() == '\n') {
            pos++;
        }
        line++;
    }

    /** The next character without consuming it, refilling the buffer; {@link #EOF} at the end. */
    private int peek() throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = Math.max(0, text.read(buf, 0, buf.length));
            if (limit == 0) {
                return EOF;
            }
        }
        return buf[pos];
    }

    private String fieldWithReplacement(List<String> values) {
        for (int i = 0; i < values.size() && i < header.size(); i++) {
            if (values.get(i).indexOf('\uFFFD') >= 0) {
                return header.get(i);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        text.close();
    }
}
