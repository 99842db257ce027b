package org.toxiscope.datasets;

import com.google.gson.Gson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.toxiscope.common.AtomicWrite;

/**
 * Writes a corpus in the format and compression its file name announces, with fixed columns (normally the input's
 * columns in order, then appended ones). Records go to {@code OUT.partial} (uncompressed) and their ids to
 * {@code OUT.partial.ids}; {@link #commit()} turns the partial into {@code OUT} through a temporary file and a rename.
 * {@link #close()} without commit leaves the partial, which {@link #resume} continues: torn tails are cut back to the
 * last record present in both files, so a resumed run that skips {@link #isDone done} ids and writes the rest in the
 * same order ends byte-identical to an uninterrupted run. Ids must be unique for that guarantee.
 */
public final class CorpusWriter implements AutoCloseable {

    private static final Gson GSON = new Gson();

    private final Path target;
    private final Format format;
    private final Compression compression;
    private final List<String> columns;
    private final RowEncoder encoder;
    private final Path partial;
    private final Path idsFile;
    private final Set<String> done;
    // Both buffers reach the disk together, records first, so a kill leaves ids that lag the records by one batch at most.
    private final ByteArrayOutputStream recordBuffer = new ByteArrayOutputStream(1 << 17);
    private final ByteArrayOutputStream idBuffer = new ByteArrayOutputStream(1 << 14);
    private OutputStream records;
    private OutputStream ids;
    private long written;
    private boolean committed;

    private CorpusWriter(Path target, List<String> columns, boolean resume) throws IOException {
        this.target = target.toAbsolutePath();
        String name = this.target.getFileName().toString();
        this.format = Format.ofName(name);
        if (format == null) {
            throw new IllegalArgumentException(target + ": cannot tell the output format from the name; use .csv, .tsv, "
                    + ".jsonl, .ndjson or .parquet, optionally with .gz, .bz2, .xz or .zst");
        }
        this.compression = Compression.ofName(name);
        if (format == Format.PARQUET && compression != Compression.NONE) {
            throw new IllegalArgumentException(target + ": Parquet compresses inside the file; drop " + compression.extension());
        }
        this.columns = List.copyOf(columns);
        this.encoder = RowEncoder.of(format);
        this.partial = this.target.resolveSibling(name + ".partial");
        this.idsFile = this.target.resolveSibling(name + ".partial.ids");
        Files.createDirectories(this.target.getParent());
        this.done = resume && Files.exists(partial) && Files.exists(idsFile) ? recover() : startFresh();
        this.records = Files.newOutputStream(partial, StandardOpenOption.APPEND);
        this.ids = Files.newOutputStream(idsFile, StandardOpenOption.APPEND);
    }

    /** A new output at {@code target}, discarding any partial an earlier run left. */
    public static CorpusWriter create(Path target, List<String> columns) throws IOException {
        return new CorpusWriter(target, columns, false);
    }

    /** Continues the partial an interrupted run left at {@code target}, or starts a new one when there is none. */
    public static CorpusWriter resume(Path target, List<String> columns) throws IOException {
        return new CorpusWriter(target, columns, true);
    }

    /** The output columns for records like {@code first}: its fields in input order, then {@code appended}. */
    public static List<String> columns(TextRecord first, List<String> appended) {
        List<String> out = new ArrayList<>(first.fields().keySet());
        for (String a : appended) {
            if (out.contains(a)) {
                throw new IllegalArgumentException("column '" + a + "' is already in the input");
            }
            out.add(a);
        }
        return out;
    }

    private Set<String> startFresh() throws IOException {
        String header = encoder.header(columns);
        Files.write(partial, header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8));
        Files.write(idsFile, idsHeader());
        return Set.of();
    }

    /** The first line of the ids file names the columns, so a resume with other columns is caught in every format. */
    private byte[] idsHeader() {
        return (GSON.toJson(columns) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private Set<String> recover() throws IOException {
        byte[] idsHeader = idsHeader();
        byte[] foundIdsHeader;
        try (InputStream in = Files.newInputStream(idsFile)) {
            foundIdsHeader = in.readNBytes(idsHeader.length);
        }
        String header = encoder.header(columns);
        byte[] expected = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        byte[] found;
        try (InputStream in = Files.newInputStream(partial)) {
            found = in.readNBytes(expected.length);
        }
        if (foundIdsHeader.length < idsHeader.length || found.length < expected.length) {
            return startFresh(); // killed before anything but the headers could be written
        }
        if (!Arrays.equals(foundIdsHeader, idsHeader) || !Arrays.equals(found, expected)) {
            throw new IllegalArgumentException(partial + ": the partial output has other columns than " + columns
                    + "; delete it or write to another file");
        }
        long headerRecords = header == null ? 0 : 1;
        long complete = Math.min(PartialFile.countRecords(partial, encoder.quotesSpanNewlines()) - headerRecords,
                PartialFile.countRecords(idsFile, false) - 1);
        PartialFile.keepRecords(partial, encoder.quotesSpanNewlines(), complete + headerRecords);
        PartialFile.keepRecords(idsFile, false, complete + 1);
        Set<String> ids = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(idsFile, StandardCharsets.UTF_8)) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                ids.add(GSON.fromJson(line, String.class));
            }
        }
        written = complete;
        return Collections.unmodifiableSet(ids);
    }

    /** True when an interrupted run already wrote the record with this id. */
    public boolean isDone(String id) {
        return done.contains(id);
    }

    /** How many records the interrupted run had written (0 for a new output). */
    public long doneCount() {
        return done.size();
    }

    /** Records in the output so far, resumed ones included. */
    public long written() {
        return written;
    }

    public List<String> columns() {
        return columns;
    }

    /**
     * Writes {@code record}'s fields and then {@code appended} values, each under its column (absent ones empty);
     * false, writing nothing, when the record's id is {@link #isDone done}.
     */
    public boolean write(TextRecord record, Map<String, String> appended) {
        List<String> values = new ArrayList<>(columns.size());
        for (String column : columns) {
            String v = appended.get(column);
            values.add(v != null ? v : record.fields().get(column));
        }
        return write(record.id(), values);
    }

    /** Writes one record given its id and its values in column order (null = absent); false when the id is done. */
    public boolean write(String id, List<String> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("record " + id + " has " + values.size() + " values for " + columns.size()
                    + " columns");
        }
        if (committed || records == null) {
            throw new IllegalStateException("writer for " + target + " is closed");
        }
        if (done.contains(id)) {
            return false;
        }
        try {
            recordBuffer.write(encoder.encode(columns, values).getBytes(StandardCharsets.UTF_8));
            idBuffer.write(GSON.toJson(id).getBytes(StandardCharsets.UTF_8));
            idBuffer.write('\n');
            written++;
            if (recordBuffer.size() >= 1 << 16) {
                flushBuffers();
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
    }

    /** Completes the output: {@code OUT} appears whole (compressed or converted as named) and the partial files go. */
    public void commit() throws IOException {
        closeStreams();
        if (format == Format.PARQUET) {
            try (AtomicWrite out = AtomicWrite.open(target)) {
                toParquet(out.temp());
                out.commit();
            }
        } else if (compression == Compression.NONE) {
            AtomicWrite.move(partial, target);
        } else {
            AtomicWrite.write(target, out -> {
                // Compressors write their trailer on close; closing the atomic stream early is harmless.
                try (OutputStream z = compression.compress(out)) {
                    Files.copy(partial, z);
                }
            });
        }
        Files.deleteIfExists(partial);
        Files.deleteIfExists(idsFile);
        committed = true;
    }

    private void toParquet(Path out) throws IOException {
        StringJoiner types = new StringJoiner(", ", "{", "}");
        StringJoiner empty = new StringJoiner(", ");
        for (String c : columns) {
            types.add(DuckDb.literal(c) + ": 'VARCHAR'");
            empty.add("CAST(NULL AS VARCHAR) AS \"" + c.replace("\"", "\"\"") + "\"");
        }
        String source = written == 0 ? "SELECT " + empty + " WHERE false"
                : "SELECT * FROM read_json(" + DuckDb.fileLiteral(partial)
                        + ", format = 'newline_delimited', columns = " + types + ")";
        try (Connection c = DuckDb.connect(); Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            s.execute("COPY (" + source + ") TO " + DuckDb.literal(out.toString()) + " (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IOException("cannot write Parquet " + target + ": " + e.getMessage(), e);
        }
    }

    private void flushBuffers() throws IOException {
        recordBuffer.writeTo(records);
        recordBuffer.reset();
        idBuffer.writeTo(ids);
        idBuffer.reset();
    }

    private void closeStreams() throws IOException {
        if (records != null) {
            try (OutputStream r = records; OutputStream i = ids) {
                flushBuffers();
            } finally {
                records = null;
                ids = null;
            }
        }
    }

    /** Flushes and closes; without a prior {@link #commit()} the partial stays for {@link #resume}. */
    @Override
    public void close() throws IOException {
        closeStreams();
    }
}
