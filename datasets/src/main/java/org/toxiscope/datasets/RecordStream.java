package org.toxiscope.datasets;

import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The records of a corpus, read lazily file by file so that corpora of any size stream through constant memory.
 * Bad records either stop iteration with a {@link DatasetException} ({@link OnError#FAIL}) or are counted and written
 * to the rejects file ({@link OnError#SKIP}); rows holding an unscored label marker are left out and counted
 * ({@link #skipped}). Close it to release the current file and complete the rejects file.
 */
public final class RecordStream implements Iterator<TextRecord>, Iterable<TextRecord>, AutoCloseable {

    private final List<CorpusFile> files;
    private final ColumnMapping mapping;
    private final RejectsWriter rejects;
    private final Predicate<TextRecord> filter;
    private final long totalBytes;
    private int fileIndex;
    private CorpusFile file;
    private long fileSize;
    private RowSource source;
    private RecordMapper mapper;
    private TextRecord pending;
    private long records;
    private long rejected;
    private long skipped;
    private long finishedBytes;
    private CountingInputStream counting;
    private long lastLine;

    RecordStream(List<CorpusFile> files, ColumnMapping mapping, Predicate<TextRecord> filter) {
        this.files = files;
        this.mapping = mapping;
        this.filter = filter;
        long total = 0;
        for (CorpusFile f : files) {
            total += f.path().toFile().length();
        }
        this.totalBytes = total;
        this.rejects = mapping.onError() == OnError.SKIP && mapping.rejects() != null
                ? new RejectsWriter(mapping.rejects()) : null;
    }

    @Override
    public boolean hasNext() {
        while (pending == null) {
            if (source == null && !openNextFile()) {
                return false;
            }
            RawRow row;
            try {
                row = source.next();
            } catch (IOException e) {
                throw new DatasetException(file.display(), 0, null, readProblem(e));
            }
            if (row == null) {
                closeSource();
                continue;
            }
            lastLine = row.line();
            try {
                TextRecord r = mapper.map(row);
                if (r == null) {
                    skipped++;
                } else if (filter == null || filter.test(r)) {
                    pending = r;
                }
            } catch (DatasetException e) {
                if (mapping.onError() == OnError.FAIL || e.line() == 0) {
                    throw e;
                }
                rejected++;
                if (rejects != null) {
                    rejects.write(e, row);
                }
            }
        }
        return true;
    }

    private boolean openNextFile() {
        if (fileIndex >= files.size()) {
            return false;
        }
        file = files.get(fileIndex++);
        fileSize = file.path().toFile().length();
        lastLine = 0;
        try {
            source = RowSource.open(file, mapping.columns(), in -> counting = new CountingInputStream(in));
        } catch (IOException e) {
            throw new DatasetException(file.display(), 0, null, readProblem(e));
        }
        mapper = new RecordMapper(file, mapping, source.header(), source.types());
        return true;
    }

    /**
     * One line for a failed read of the current file, with the last line read: decompressors end a truncated stream
     * with a bare EOFException (or their own wording), so a compressed file's failure says what it most likely is.
     */
    private String readProblem(IOException e) {
        String where = lastLine > 0 ? " after line " + lastLine : source == null ? " at its start" : " before its first record";
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        if (file.compression() == Compression.NONE) {
            return "read error: " + (detail == null ? e.getClass().getSimpleName() + where : detail);
        }
        String kind = "(truncated or damaged " + file.compression().extension() + " file?)";
        if (e instanceof EOFException) {
            return "compressed data ends early" + where + " " + kind;
        }
        return "compressed data cannot be read" + where + " " + kind + (detail == null ? "" : ": " + detail);
    }

    /**
     * The share of the input read so far, in [0,1]: bytes as stored (compressed) for text files, a Parquet file's
     * bytes in proportion to its rows read (its row count is in its metadata).
     */
    public double progress() {
        double rows = source == null ? Double.NaN : source.rowsRead();
        double current = !Double.isNaN(rows) ? rows * fileSize
                : counting == null ? 0 : counting.count();
        return totalBytes == 0 ? 1 : Math.min(1.0, (finishedBytes + current) / totalBytes);
    }

    @Override
    public TextRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        TextRecord r = pending;
        pending = null;
        records++;
        return r;
    }

    @Override
    public Iterator<TextRecord> iterator() {
        return this;
    }

    /** The records as a sequential stream; closing the stream closes this. */
    public Stream<TextRecord> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(this::close);
    }

    /** Records handed out so far. */
    public long records() {
        return records;
    }

    /** Records rejected so far (only under {@link OnError#SKIP}). */
    public long rejected() {
        return rejected;
    }

    /** Rows left out so far because a label column held an unscored marker ({@link ColumnMapping#skipLabels}). */
    public long skipped() {
        return skipped;
    }

    /**
     * The summary line's part for the rows skipped so far, e.g. "; 1,204 rows skipped: label -1 (unscored)"; empty
     * when none was.
     */
    public String skippedNote() {
        return skippedNote(skipped, mapping.skipLabels());
    }

    /** The summary line's part for {@code skipped} rows left out for holding one of {@code markers}. */
    public static String skippedNote(long skipped, List<String> markers) {
        return skipped == 0 ? "" : String.format(Locale.ROOT, "; %,d row%s skipped: label %s (unscored)", skipped,
                skipped == 1 ? "" : "s", String.join(" or ", markers));
    }

    private void closeSource() {
        if (source != null) {
            try {
                source.close();
            } catch (IOException e) {
                throw new DatasetException(file.display(), 0, null, "cannot close: " + e.getMessage());
            } finally {
                source = null;
                counting = null;
                finishedBytes += fileSize;
            }
        }
    }

    @Override
    public void close() {
        try {
            closeSource();
        } finally {
            if (rejects != null) {
                rejects.close();
            }
        }
    }
}
