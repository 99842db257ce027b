package org.toxiscope.datasets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.common.ExclusiveLock;
import org.toxiscope.common.Snippet;

/**
 * Writes a corpus in the format and compression its file name announces, with fixed columns (normally the input's
 * columns in order, then appended ones), holding a lock on {@code .OUT.lock} (hidden; removed on close) so one writer
 * at a time owns {@code OUT}. Records go
 * to {@code OUT.partial} (uncompressed) and the input position of each to {@code OUT.partial.pos}, after a first line
 * naming the columns and what made the output ({@link OutputPolicy#madeBy}); {@link #commit()} turns the partial into
 * {@code OUT} through a temporary file and a rename. {@link #close()} without commit leaves the partial, which an
 * {@link OutputPolicy.Existing#RESUME} writer continues after checking that the same settings make it: torn tails
 * are cut back to the last record present in both files, so a resumed run that skips {@link #isDone done} positions
 * and writes the rest in the same order ends byte-identical to an uninterrupted run, whatever the ids.
 */
public final class CorpusWriter implements AutoCloseable {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** The state line names every input file; this bounds what a resume reads of it. */
    private static final int MAX_STATE_LINE = 16 << 20;

    private final Path target;
    private final Format format;
    private final Compression compression;
    private final List<String> columns;
    private final Map<String, ColumnType> types;
    private final RowEncoder encoder;
    private final Path partial;
    private final Path positions;
    private final Map<String, String> madeBy;
    private final ExclusiveLock lock;
    // Both buffers reach the disk together, records first, so a kill leaves positions that lag the records by one
    // batch at most.
    private final ByteArrayOutputStream recordBuffer = new ByteArrayOutputStream(1 << 17);
    private final ByteArrayOutputStream positionBuffer = new ByteArrayOutputStream(1 << 14);
    private OutputStream records;
    private OutputStream positionsOut;
    /** The last input position the earlier run wrote (-1: none); every position up to it is done. */
    private long resumedThrough = -1;
    private long lastPosition = -1;
    private long resumed;
    private long written;
    private boolean committed;
    private boolean frozen;

    private CorpusWriter(Path target, List<String> columns, Map<String, ColumnType> types, OutputPolicy policy)
            throws IOException {
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
        this.types = Map.copyOf(types);
        this.encoder = RowEncoder.of(format);
        this.partial = this.target.resolveSibling(name + ".partial");
        this.positions = this.target.resolveSibling(name + ".partial.pos");
        this.madeBy = policy.madeBy();
        Files.createDirectories(this.target.getParent());
        // Taken before anything is looked at, truncated or discarded: a second writer is refused with the files intact.
        this.lock = ExclusiveLock.acquire(this.target.resolveSibling("." + name + ".lock"), this.target.toString());
        try {
            boolean hasPartial = PartialFile.existsRegular(partial);
            boolean hasPositions = PartialFile.existsRegular(positions);
            // With no partial there is nothing to refuse or continue: every policy starts afresh.
            OutputPolicy.Existing existing = hasPartial || hasPositions ? policy.existing() : OutputPolicy.Existing.OVERWRITE;
            switch (existing) {
                case REFUSE -> throw new IllegalArgumentException(partial + ": an interrupted run's output is there; "
                        + "continue it with --resume, or start over with --overwrite (which deletes it)");
                case OVERWRITE -> startFresh();
                case RESUME -> {
                    if (!hasPartial) {
                        startFresh(); // killed before the record file existed: the positions name nothing
                    } else if (!hasPositions) {
                        throw new IllegalArgumentException(positions + ": missing, so which input records " + partial
                                + " holds is unknown; start over with --overwrite");
                    } else {
                        recover();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                closeStreams();
            } finally {
                lock.close();
            }
            throw e;
        }
    }

    /** An output at {@code target} that treats an earlier run's partial as {@code policy} says. */
    public static CorpusWriter open(Path target, List<String> columns, OutputPolicy policy) throws IOException {
        return open(target, columns, Map.of(), policy);
    }

    /**
     * As {@link #open(Path, List, OutputPolicy)}, {@code types} giving columns their type where the format keeps
     * types (Parquet); a column without one gets the type its values read as ({@link TypedParquet}).
     */
    public static CorpusWriter open(Path target, List<String> columns, Map<String, ColumnType> types,
                                    OutputPolicy policy) throws IOException {
        return new CorpusWriter(target, columns, types, policy);
    }

    /** A one-off output at {@code target} ({@link OutputPolicy#overwrite()}): any partial an earlier run left goes. */
    public static CorpusWriter create(Path target, List<String> columns) throws IOException {
        return open(target, columns, OutputPolicy.overwrite());
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

    /** The column types for records like {@code first}: its input columns' types, then the {@code appended} ones. */
    public static Map<String, ColumnType> types(TextRecord first, Map<String, ColumnType> appended) {
        Map<String, ColumnType> out = new LinkedHashMap<>(first.types());
        out.putAll(appended);
        return out;
    }

    private void startFresh() throws IOException {
        Files.deleteIfExists(partial);
        Files.deleteIfExists(positions);
        // CREATE_NEW with NOFOLLOW_LINKS: whatever appears at these names since the check is refused, never followed.
        positionsOut = AtomicWrite.naming(positions, Files.newOutputStream(positions, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
        positionsOut.write(stateLine());
        positionsOut.flush();
        records = AtomicWrite.naming(partial, Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
        String header = encoder.header(columns);
        if (header != null) {
            records.write(header.getBytes(StandardCharsets.UTF_8));
            records.flush();
        }
    }

    /** The first line of the positions file: the columns and what made the output, compared on resume. */
    private byte[] stateLine() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("columns", columns);
        state.put("made_by", madeBy);
        return (GSON.toJson(state) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void recover() throws IOException {
        String header = encoder.header(columns);
        byte[] expected = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        byte[] found;
        try (InputStream in = Files.newInputStream(partial, LinkOption.NOFOLLOW_LINKS)) {
            found = in.readNBytes(expected.length);
        }
        String state = firstLine(positions);
        if (state == null || found.length < expected.length) {
            startFresh(); // killed before anything but the headers could be written
            return;
        }
        checkState(state);
        if (!Arrays.equals(found, expected)) {
            throw otherColumns();
        }
        long headerRecords = header == null ? 0 : 1;
        long complete = Math.min(PartialFile.countRecords(partial, encoder.quotesSpanNewlines()) - headerRecords,
                PartialFile.countRecords(positions, false) - 1);
        PartialFile.keepRecords(partial, encoder.quotesSpanNewlines(), complete + headerRecords);
        PartialFile.keepRecords(positions, false, complete + 1);
        long last = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Files.newInputStream(positions, LinkOption.NOFOLLOW_LINKS), StandardCharsets.US_ASCII))) {
            in.readLine();
            String line;
            for (long n = 2; (line = in.readLine()) != null; n++) {
                long p;
                try {
                    p = Long.parseLong(line);
                } catch (NumberFormatException e) {
                    p = -1;
                }
                if (p <= last) {
                    throw new IllegalArgumentException(positions + " line " + n + ": not a record position after "
                            + last + "; start over with --overwrite");
                }
                last = p;
            }
        }
        resumedThrough = last;
        lastPosition = last;
        resumed = complete;
        written = complete;
        records = AtomicWrite.naming(partial, Files.newOutputStream(partial, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS));
        positionsOut = AtomicWrite.naming(positions, Files.newOutputStream(positions, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS));
    }

    /** The first line of {@code file} without its newline, or null when no whole line is there. */
    private static String firstLine(Path file) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() == MAX_STATE_LINE) {
                    throw new IllegalArgumentException(file + " line 1: longer than " + MAX_STATE_LINE
                            + " bytes, so not a resume state; start over with --overwrite");
                }
                line.write(b);
            }
        }
        return null;
    }

    /** Refuses a resume by other columns or settings than the partial was made with, naming what differs. */
    private void checkState(String line) {
        List<String> foundColumns;
        Map<String, String> foundMadeBy;
        try {
            JsonObject state = JsonParser.parseString(line).getAsJsonObject();
            foundColumns = GSON.fromJson(state.get("columns"), new TypeToken<List<String>>() { }.getType());
            JsonElement m = state.get("made_by");
            foundMadeBy = GSON.fromJson(m, new TypeToken<LinkedHashMap<String, String>>() { }.getType());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(positions + " line 1: not the resume state this version writes; "
                    + "start over with --overwrite");
        }
        if (!columns.equals(foundColumns)) {
            throw otherColumns();
        }
        Map<String, String> before = foundMadeBy == null ? Map.of() : foundMadeBy;
        if (!before.equals(madeBy)) {
            Set<String> keys = new LinkedHashSet<>(before.keySet());
            keys.addAll(madeBy.keySet());
            StringJoiner differs = new StringJoiner("; ");
            for (String k : keys) {
                if (!Objects.equals(before.get(k), madeBy.get(k))) {
                    differs.add(k + ": " + shown(before.get(k)) + " then, " + shown(madeBy.get(k)) + " now");
                }
            }
            throw new IllegalArgumentException(partial + ": made with other settings, so resuming would mix two "
                    + "outputs (" + differs + "); rerun with the first settings, or start over with --overwrite");
        }
    }

    private static String shown(String v) {
        if (v == null) {
            return "none";
        }
        return Snippet.of(v);
    }

    private IllegalArgumentException otherColumns() {
        return new IllegalArgumentException(partial + ": the partial output has other columns than " + columns
                + "; start over with --overwrite or write to another file");
    }

    /** True when the interrupted run already wrote the record at input {@code position}. */
    public boolean isDone(long position) {
        return position <= resumedThrough;
    }

    /** How many records the interrupted run had written (0 for a new output). */
    public long doneCount() {
        return resumed;
    }

    /** Records in the output so far, resumed ones included. */
    public synchronized long written() {
        return written;
    }

    /** Whether {@link #commit()} published the output. */
    public synchronized boolean isCommitted() {
        return committed;
    }

    /** The partial output, for messages that say where interrupted work is kept. */
    public Path partialFile() {
        return partial;
    }

    public List<String> columns() {
        return columns;
    }

    /**
     * Writes the record at input {@code position}: its fields and then {@code appended} values, each under its column
     * (absent ones empty); false, writing nothing, when the position is {@link #isDone done}.
     */
    public boolean write(long position, TextRecord record, Map<String, String> appended) {
        List<String> values = new ArrayList<>(columns.size());
        Set<String> nested = record.nested();
        for (String column : columns) {
            String v = appended.get(column);
            values.add(v != null ? v : record.fields().get(column));
            if (v != null && nested.contains(column)) {
                nested = new HashSet<>(nested); // an appended value replaces the nested one: it is plain text
                nested.remove(column);
            }
        }
        return write(position, values, nested);
    }

    /** Writes the next record (its position one past the last one written) for outputs written in one go. */
    public boolean write(List<String> values) {
        return write(lastPosition + 1, values);
    }

    /**
     * Writes one record given its input position and its values in column order (null = absent); false when the
     * position is done. Positions must increase: they are what a resume skips by.
     */
    public boolean write(long position, List<String> values) {
        return write(position, values, Set.of());
    }

    /** As {@link #write(long, List)}, the values of the columns in {@code nested} being JSON text of nested values. */
    synchronized boolean write(long position, List<String> values, Set<String> nested) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("record " + position + " has " + values.size() + " values for "
                    + columns.size() + " columns");
        }
        if (frozen) {
            throw new IllegalStateException("interrupted: " + partial + " keeps the " + written + " records written");
        }
        if (committed || records == null) {
            throw new IllegalStateException("writer for " + target + " is closed");
        }
        if (position <= resumedThrough) {
            return false;
        }
        if (position <= lastPosition) {
            throw new IllegalArgumentException("record position " + position + " after " + lastPosition
                    + ": positions must increase");
        }
        try {
            recordBuffer.write(encoder.encode(columns, values, nested).getBytes(StandardCharsets.UTF_8));
            positionBuffer.write(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
            positionBuffer.write('\n');
            lastPosition = position;
            written++;
            if (recordBuffer.size() >= 1 << 16) {
                flushBuffers();
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
    }

    /**
     * Flushes what was written and stops: later writes and the commit fail, so the partial holds exactly
     * {@link #written} records (for a shutdown hook); false when the output was already committed.
     */
    public synchronized boolean freeze() throws IOException {
        if (committed) {
            return false;
        }
        if (records != null) {
            flushBuffers();
            records.flush();
            positionsOut.flush();
        }
        frozen = true;
        return true;
    }

    /** Completes the output: {@code OUT} appears whole (compressed or converted as named) and the partial files go. */
    public synchronized void commit() throws IOException {
        if (frozen) {
            throw new IllegalStateException("interrupted: " + partial + " keeps the " + written + " records written");
        }
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
                try (OutputStream z = compression.compress(out);
                     InputStream in = Files.newInputStream(partial, LinkOption.NOFOLLOW_LINKS)) {
                    in.transferTo(z);
                }
            });
        }
        Files.deleteIfExists(partial);
        Files.deleteIfExists(positions);
        committed = true;
    }

    private void toParquet(Path out) throws IOException {
        try {
            TypedParquet.write(partial, written, columns, types, out);
        } catch (SQLException e) {
            throw new IOException("cannot write Parquet " + target + ": " + e.getMessage(), e);
        }
    }

    private void flushBuffers() throws IOException {
        recordBuffer.writeTo(records);
        recordBuffer.reset();
        positionBuffer.writeTo(positionsOut);
        positionBuffer.reset();
    }

    private void closeStreams() throws IOException {
        try (OutputStream r = records; OutputStream p = positionsOut) {
            if (r != null && p != null) {
                flushBuffers();
            }
        } finally {
            records = null;
            positionsOut = null;
        }
    }

    /**
     * Flushes, closes and releases the lock; without a prior {@link #commit()} the partial stays for a resume, unless
     * it holds no record (then it is no work to keep, and would only stop the next run).
     */
    @Override
    public synchronized void close() throws IOException {
        try {
            closeStreams();
            if (!committed && !frozen && written == 0) {
                Files.deleteIfExists(partial);
                Files.deleteIfExists(positions);
            }
        } finally {
            lock.close();
        }
    }
}
