package org.toxiscope.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.extract.FeatureSession;

/**
 * A partition's rows through the model a chunk at a time, lazily (one chunk in memory): each row comes out in input
 * order with the job's values appended. The chunks are the {@link CorpusPass#chunks} of the rows with text, as the
 * single-machine commands form them, so a partition that starts at a chunk boundary gives the same batches, hence
 * the same numbers.
 *
 * @param <S> the session the job opens once per executor JVM
 */
abstract class ChunkedRows<S> implements FlatMapFunction<Iterator<Row>, Row> {

    /** Where the text is and what to do without one; the counters the driver reports. */
    record Spec(String input, String textColumn, int textIndex, int idIndex, int chunk, boolean skipBad,
                int failPartition, Counters counters) implements Serializable {
    }

    /** Job-wide counts, merged by Spark from successful task attempts only (a retried task is not counted twice). */
    record Counters(LongAccumulator records, LongAccumulator skipped, LongAccumulator partitions,
                    LongAccumulator loads) implements Serializable {
    }

    private final Spec spec;

    ChunkedRows(Spec spec) {
        this.spec = spec;
    }

    Spec spec() {
        return spec;
    }

    /** The job's session in this executor JVM, opened by the first task that needs it. */
    abstract S session() throws IOException;

    /** The feature session of {@code session}, which computes the chunks' features. */
    abstract FeatureSession features(S session);

    /** The values to append to each record of {@code chunk}, in order. */
    abstract List<List<Object>> append(S session, CorpusPass.Chunk chunk);

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        int partition = TaskContext.getPartitionId();
        TaskContext task = TaskContext.get();
        boolean failThisAttempt = partition == spec.failPartition() && task != null && task.attemptNumber() == 0;
        TextRows texts = new TextRows(rows, partition);
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();
            private S session;
            private Iterator<CorpusPass.Chunk> chunks;
            private int done;
            private boolean finished;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && texts.hasNext()) {
                    if (failThisAttempt && done == 1) {
                        throw new IllegalStateException("injected failure (--fail-once) in partition " + partition
                                + " after its first chunk");
                    }
                    current = nextChunk();
                    done++;
                }
                if (!current.hasNext() && !finished) {
                    finished = true;
                    if (failThisAttempt) {
                        throw new IllegalStateException("injected failure (--fail-once) at the end of partition "
                                + partition);
                    }
                    spec.counters().partitions().add(1);
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }

            private Iterator<Row> nextChunk() {
                // Opened on the first chunk, so a partition without text opens no model.
                if (chunks == null) {
                    try {
                        session = session();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    chunks = CorpusPass.of("partition " + partition, features(session), CorpusPass.Need.POOLED)
                            .chunk(spec.chunk()).chunks(texts);
                }
                CorpusPass.Chunk chunk;
                synchronized (features(session)) {
                    chunk = chunks.next();
                }
                List<Row> in = texts.takeRows();
                List<List<Object>> appended = append(session, chunk);
                List<Row> out = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    Row row = in.get(i);
                    List<Object> more = appended.get(i);
                    Object[] values = new Object[row.length() + more.size()];
                    for (int c = 0; c < row.length(); c++) {
                        values[c] = row.get(c);
                    }
                    for (int c = 0; c < more.size(); c++) {
                        values[row.length() + c] = more.get(c);
                    }
                    out.add(RowFactory.create(values));
                }
                spec.counters().records().add(out.size());
                return out.iterator();
            }
        };
    }

    /**
     * A partition's rows with text as records, each row checked as it is read; the rows of the records handed out
     * are kept until {@link #takeRows}, so a chunk's values go onto the chunk's own rows.
     */
    private final class TextRows implements Iterator<TextRecord> {
        private final Iterator<Row> rows;
        private final int partition;
        private List<Row> handedOut = new ArrayList<>();
        private Row ahead;
        private long rowNo;

        TextRows(Iterator<Row> rows, int partition) {
            this.rows = rows;
            this.partition = partition;
        }

        @Override
        public boolean hasNext() {
            while (ahead == null && rows.hasNext()) {
                Row row = rows.next();
                rowNo++;
                if (hasText(row)) {
                    ahead = row;
                }
            }
            return ahead != null;
        }

        /** The next record with text; {@code rowNo} is still its row's, as reading stops at the row it looks ahead to. */
        @Override
        public TextRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = ahead;
            ahead = null;
            handedOut.add(row);
            return new TextRecord("p" + partition + ":" + rowNo, String.valueOf(row.get(spec.textIndex())), null,
                    Map.of(), Map.of(), spec.input(), rowNo);
        }

        /** The rows of the records handed out since the last call, in order. */
        List<Row> takeRows() {
            List<Row> taken = handedOut;
            handedOut = new ArrayList<>();
            return taken;
        }

        private boolean hasText(Row row) {
            Object text = row.get(spec.textIndex());
            if (text != null && !String.valueOf(text).isBlank()) {
                return true;
            }
            if (spec.skipBad()) {
                spec.counters().skipped().add(1);
                return false;
            }
            throw new IllegalArgumentException(where(row) + ": column '" + spec.textColumn() + "': "
                    + (text == null ? "missing" : "empty") + " text (pass --on-error skip to leave such records out)");
        }

        private String where(Row row) {
            String id = spec.idIndex() >= 0 && row.get(spec.idIndex()) != null
                    ? "record id=" + row.get(spec.idIndex()) + " (" : "record (";
            return spec.input() + ": " + id + "partition " + partition + ", row " + rowNo + ")";
        }
    }
}
