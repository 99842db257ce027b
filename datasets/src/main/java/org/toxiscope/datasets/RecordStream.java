package org.toxiscope.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The records of a corpus, read lazily file by file so that corpora of any size stream through constant memory.
 * Bad records either stop iteration with a {@link DatasetException} ({@link OnError#FAIL}) or are counted and written
 * to the rejects file ({@link OnError#SKIP}). Close it to release the current file and complete the rejects file.
 */
public final class RecordStream implements Iterator<TextRecord>, Iterable<TextRecord>, AutoCloseable {

    private final List<CorpusFile> files;
    private final ColumnMapping mapping;
    private final RejectsWriter rejects;
    private final Predicate<TextRecord> filter;
    private int fileIndex;
    private CorpusFile file;
    private RowSource source;
    private RecordMapper mapper;
    private TextRecord pending;
    private long records;
    private long rejected;

    RecordStream(List<CorpusFile> files, ColumnMapping mapping, Predicate<TextRecord> filter) {
        this.files = files;
        this.mapping = mapping;
        this.filter = filter;
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
                throw new DatasetException(file.display(), 0, null, "read error: " + e.getMessage());
            }
            if (row == null) {
                closeSource();
                continue;
            }
            try {
                TextRecord r = mapper.map(row);
                if (filter == null || filter.test(r)) {
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
        try {
            source = switch (file.format()) {
                case PARQUET -> new ParquetRowSource(file.path());
                case JSONL -> new JsonlRowSource(input());
                case CSV -> new CsvRowSource(input(), ',', file.display(), mapping.columns());
                case TSV -> new CsvRowSource(input(), '\t', file.display(), mapping.columns());
            };
        } catch (IOException e) {
            throw new DatasetException(file.display(), 0, null, "cannot read: " + e.getMessage());
        }
        mapper = new RecordMapper(file, mapping, source.header());
        return true;
    }

    private InputStream input() throws IOException {
        return file.compression().decompress(Files.newInputStream(file.path()));
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

    private void closeSource() {
        if (source != null) {
            try {
                source.close();
            } catch (IOException e) {
                throw new DatasetException(file.display(), 0, null, "cannot close: " + e.getMessage());
            } finally {
                source = null;
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
