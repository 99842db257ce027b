package org.toxiscope.datasets;

import com.opencsv.CSVWriterBuilder;
import com.opencsv.ICSVWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 records as opencsv writes them: quotes only where needed, quotes doubled, LF line ends; a nested value is
 * its JSON text.
 */
final class CsvRowEncoder implements RowEncoder {

    private final char separator;
    private final StringWriter buffer = new StringWriter();
    private final ICSVWriter writer;

    CsvRowEncoder(char separator) {
        this.separator = separator;
        this.writer = new CSVWriterBuilder(buffer).withSeparator(separator).withQuoteChar('"').withEscapeChar('"')
                .withLineEnd("\n").build();
    }

    @Override
    public String header(List<String> columns) {
        return encode(columns, columns, Set.of());
    }

    @Override
    public String encode(List<String> columns, List<String> values, Set<String> nested) {
        String[] row = new String[values.size()];
        for (int i = 0; i < row.length; i++) {
            String v = values.get(i);
            row[i] = v == null ? "" : v;
        }
        buffer.getBuffer().setLength(0);
        writer.writeNext(row, false);
        return buffer.toString();
    }

    @Override
    public boolean quotesSpanNewlines() {
        return true;
    }

    @Override
    public String toString() {
        return "CSV(" + separator + ")";
    }
}
