package org.toxiscope.classify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.toxiscope.common.Snippet;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.BatchMemoryException;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.TextFeatures;

/**
 * The one streaming pass of a corpus through a feature session: records are read in chunks of {@link #chunk} (one
 * chunk in memory), each chunk's features are computed once (pooled through the session's cache, or full), and the
 * chunk goes to a sink in input order. {@link #run} shows progress (records, rate, % and ETA) on stderr and ends
 * with one summary line (records, time, texts cut, records rejected, rows skipped as unscored, records resumed).
 */
public final class CorpusPass {

    /** Records per chunk unless a command says otherwise: every command forms the same batches from the same input. */
    public static final int DEFAULT_CHUNK = 256;

    /** What a chunk carries. */
    public enum Need {
        /** Pooled vectors per layer, through the feature cache when the session has one. */
        POOLED,
        /** Full {@link TextFeatures} (token ids, pooled), no cache. */
        FULL,
        /** Full {@link TextFeatures} with every token's codes, no cache. */
        PER_TOKEN
    }

    /**
     * A chunk of records with their features, in input order: {@code pooled} always, {@code full} unless the pass
     * needs only pooled vectors (then null); {@code first} is the 0-based input position of the first record.
     */
    public record Chunk(long first, List<TextRecord> records, List<Map<Integer, SparseVector>> pooled,
                        TextFeatures[] full) {
        public List<String> texts() {
            return records.stream().map(TextRecord::text).toList();
        }
    }

    /** Takes each chunk as it is computed. */
    public interface Sink {
        void accept(Chunk chunk) throws IOException;
    }

    /**
     * Says whether an earlier run already wrote every record of a chunk, the first at 0-based input position
     * {@code first}: by position, since ids may repeat.
     */
    public interface Done {
        boolean allDone(long first, List<TextRecord> chunk) throws IOException;
    }

    /**
     * How a pass ended: records read, of them already done by an earlier run (resumed), texts cut to the token
     * limit, records the reader rejected, rows it skipped for an unscored label, seconds, and whether it stopped
     * early as asked.
     */
    public record Summary(long records, long resumed, long truncated, long rejected, long skipped, double seconds,
                          boolean stopped) {
    }

    private final String task;
    private final FeatureSession session;
    private final Need need;
    private int chunk = DEFAULT_CHUNK;
    private Done done = (first, c) -> false;
    private long stopAfter = Long.MAX_VALUE;

    private CorpusPass(String task, FeatureSession session, Need need) {
        this.task = task;
        this.session = session;
        this.need = need;
    }

    /** A pass named {@code task} (the progress lines' prefix) through {@code session}. */
    public static CorpusPass of(String task, FeatureSession session, Need need) {
        return new CorpusPass(task, session, need);
    }

    /** Records per chunk. */
    public CorpusPass chunk(int records) {
        if (records <= 0) {
            throw new IllegalArgumentException("--chunk must be > 0, not " + records);
        }
        this.chunk = records;
        return this;
    }

    /**
     * Chunks every record of which an earlier run already wrote are passed over without running the model (and
     * counted as resumed); a partly done chunk runs whole, so the model sees the batches of an uninterrupted run.
     */
    public CorpusPass skipDone(Done allDone) {
        this.done = allDone;
        return this;
    }

    /** Stops as a kill would once record {@code n} is read: the chunk in hand is dropped (a testing aid). */
    public CorpusPass stopAfter(Long n) {
        this.stopAfter = n == null ? Long.MAX_VALUE : n;
        return this;
    }

    /** Streams {@code records} chunk by chunk into {@code sink}, with progress and one summary line on stderr. */
    public Summary run(RecordStream records, Sink sink) throws IOException {
        RecordProgress progress = RecordProgress.toStderr(task, records::progress);
        long truncatedBefore = session.truncatedCount();
        long read = 0;
        long resumed = 0;
        boolean stopped = false;
        List<TextRecord> batch = new ArrayList<>(chunk);
        while (records.hasNext()) {
            batch.add(records.next());
            read++;
            if (read >= stopAfter) {
                stopped = true;
                break;
            }
            if (batch.size() == chunk || !records.hasNext()) {
                if (done.allDone(read - batch.size(), batch)) {
                    resumed += batch.size();
                } else {
                    sink.accept(compute(read - batch.size(), batch));
                }
                progress.stepTo(read);
                batch = new ArrayList<>(chunk);
            }
        }
        Summary summary = new Summary(read, resumed, session.truncatedCount() - truncatedBefore, records.rejected(),
                records.skipped(), progress.seconds(), stopped);
        progress.done(describe(summary, records.skippedNote()));
        return summary;
    }

    /** The extra figures of the summary line, only those that are not zero; {@code skipped} tells the skipped rows. */
    private String describe(Summary s, String skipped) {
        StringBuilder sb = new StringBuilder();
        if (s.truncated() > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d texts cut to %d tokens (see --max-tokens)", s.truncated(),
                    session.spec().maxTokens()));
        }
        if (s.rejected() > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d records rejected (see --rejects)", s.rejected()));
        }
        if (s.skipped() > 0) {
            sb.append(skipped);
        }
        if (s.resumed() > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d records done by an earlier run", s.resumed()));
        }
        if (s.stopped()) {
            sb.append("; stopped early as asked");
        }
        return sb.toString();
    }

    /**
     * The chunks of {@code records}, computed lazily one at a time (for callers that pull, such as a Spark partition);
     * {@code first} counts from 0 at the first record given.
     */
    public Iterator<Chunk> chunks(Iterator<TextRecord> records) {
        return new Iterator<>() {
            private long first;

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Chunk next() {
                if (!records.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<TextRecord> batch = new ArrayList<>(chunk);
                while (batch.size() < chunk && records.hasNext()) {
                    batch.add(records.next());
                }
                try {
                    Chunk c = compute(first, batch);
                    first += batch.size();
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** One chunk's features; a batch that ran out of memory is reported with the records it held. */
    private Chunk compute(long first, List<TextRecord> batch) throws IOException {
        try {
            return features(first, batch);
        } catch (BatchMemoryException e) {
            throw new IllegalArgumentException(records(batch, e.texts()) + ": " + e.detail(), e);
        }
    }

    /** "record FILE line N (id X), ..." for the records at {@code positions} of {@code batch}, five at most. */
    private static String records(List<TextRecord> batch, int[] positions) {
        StringBuilder sb = new StringBuilder(positions.length == 1 ? "record " : "records ");
        for (int i = 0; i < Math.min(positions.length, 5); i++) {
            TextRecord r = batch.get(positions[i]);
            sb.append(i == 0 ? "" : ", ").append(r.file()).append(" line ").append(r.line());
            if (r.id() != null && !r.id().isEmpty()) {
                sb.append(" (id ").append(Snippet.of(r.id())).append(')');
            }
        }
        if (positions.length > 5) {
            sb.append(" and ").append(positions.length - 5).append(" more");
        }
        return sb.toString();
    }

    private Chunk features(long first, List<TextRecord> batch) throws IOException {
        List<String> texts = batch.stream().map(TextRecord::text).toList();
        if (need == Need.POOLED) {
            return new Chunk(first, batch, session.pooled(texts), null);
        }
        TextFeatures[] full = session.extract(texts, need == Need.PER_TOKEN);
        List<Map<Integer, SparseVector>> pooled = new ArrayList<>(full.length);
        for (TextFeatures f : full) {
            pooled.add(f.pooled());
        }
        return new Chunk(first, batch, pooled, full);
    }
}
