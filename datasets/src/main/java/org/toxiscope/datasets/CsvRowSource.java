package org.toxiscope.datasets;

import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import com.opencsv.exceptions.CsvException;
import com.opencsv.exceptions.CsvMalformedLineException;
import com.opencsv.exceptions.CsvMultilineLimitBrokenException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 rows (quotes doubled, no backslash escapes, newlines inside quotes, CRLF, BOM) with a header row or given
 * column names; the same reader serves TSV with a tab separator, as pandas writes it.
 */
final class CsvRowSource implements RowSource {

    // A stray quote would otherwise pull the rest of the file into one field.
    static final int MAX_RECORD_LINES = 10_000;

    private final String file;
    private final String separator;
    private final StrictUtf8Reader text;
    private final CSVReader csv;
    private final List<String> header;
    private long linesRead;
    private boolean done;

    CsvRowSource(InputStream in, char separator, String file, List<String> columns) throws IOException {
        this.file = file;
        this.separator = String.valueOf(separator);
        this.text = new StrictUtf8Reader(in);
        this.csv = new CSVReaderBuilder(text)
                .withCSVParser(new RFC4180ParserBuilder().withSeparator(separator).build())
                .withMultilineLimit(MAX_RECORD_LINES)
                .build();
        if (!columns.isEmpty()) {
            header = List.copyOf(columns);
        } else {
            String[] names = readNext();
            if (names == null) {
                header = List.of();
                done = true;
            } else {
                header = checkHeader(names);
            }
        }
    }

    private List<String> checkHeader(String[] names) {
        if (text.invalidBetween(1, linesRead)) {
            throw new DatasetException(file, 1, null, "header row is not valid UTF-8");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>(names.length);
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

    private String[] readNext() throws IOException {
        try {
            String[] row = csv.readNext();
            linesRead = csv.getLinesRead();
            return row;
        } catch (CsvException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public RawRow next() throws IOException {
        while (!done) {
            long first = linesRead + 1;
            String[] values;
            try {
                values = csv.readNext();
            } catch (CsvMultilineLimitBrokenException e) {
                done = true;
                return RawRow.bad(first, null, null, null, "quoted field runs over more than " + MAX_RECORD_LINES
                        + " lines (a stray quote?); the rest of the file is not read");
            } catch (CsvMalformedLineException e) {
                // opencsv gives up on the rest of the file after an unterminated quote: report it at the record's start
                done = true;
                return RawRow.bad(first, null, null, null, "unterminated quoted field (the record runs to the end of the file)");
            } catch (CsvException e) {
                linesRead = csv.getLinesRead();
                return RawRow.bad(first, null, null, null, "unreadable record: " + e.getMessage());
            }
            if (values == null) {
                done = true;
                return null;
            }
            linesRead = csv.getLinesRead();
            if (values.length == 1 && values[0].isEmpty() && header.size() != 1) {
                continue; // blank line, not a record
            }
            if (text.invalidBetween(first, linesRead)) {
                return RawRow.bad(first, null, String.join(separator, values), fieldWithReplacement(values),
                        "invalid UTF-8 byte sequence");
            }
            if (values.length != header.size()) {
                return RawRow.bad(first, null, String.join(separator, values), null,
                        "expected " + header.size() + " fields, found " + values.length);
            }
            LinkedHashMap<String, String> fields = new LinkedHashMap<>(header.size() * 2);
            for (int i = 0; i < values.length; i++) {
                fields.put(header.get(i), values[i]);
            }
            return RawRow.ok(first, fields);
        }
        return null;
    }

    private String fieldWithReplacement(String[] values) {
        for (int i = 0; i < values.length && i < header.size(); i++) {
            if (values[i].indexOf('\uFFFD') >= 0) {
                return header.get(i);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
