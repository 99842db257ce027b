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
import org.toxiscope.datasets.TextRecord;

/**
 * A partition's rows through the model a chunk at a time, lazily (one chunk in memory): each row comes out in input
 * order with the job's values appended. Chunks are formed exactly as the single-machine commands form them (the next
 * {@code chunk} records with text), so a partition that starts at a chunk boundary gives the same batches, hence the
 * same numbers.
 */
abstract class ChunkedRows implements FlatMapFunction<Iterator<Row>, Row> {

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

    /** The values to append to each record of {@code chunk}, in order. */
    abstract List<List<Object>> append(List<TextRecord> chunk) throws IOException;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        int partition = TaskContext.getPartitionId();
        TaskContext task = TaskContext.get();
        boolean failThisAttempt = partition == spec.failPartition() && task != null && task.attemptNumber() == 0;
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();
            private long rowNo;
            private int chunks;
            private boolean finished;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && rows.hasNext()) {
                    if (failThisAttempt && chunks == 1) {
                        throw new IllegalStateException("injected failure (--fail-once) in partition " + partition
                                + " after its first chunk");
                    }
                    current = nextChunk(rows, partition);
                    chunks++;
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

            private Iterator<Row> nextChunk(Iterator<Row> rows, int partition) {
                List<Row> in = new ArrayList<>(spec.chunk());
                List<TextRecord> records = new ArrayList<>(spec.chunk());
                while (records.size() < spec.chunk() && rows.hasNext()) {
                    Row row = rows.next();
                    rowNo++;
                    Object text = row.get(spec.textIndex());
                    if (text == null || String.valueOf(text).isBlank()) {
                        if (spec.skipBad()) {
                            spec.counters().skipped().add(1);
                            continue;
                        }
                        throw new IllegalArgumentException(where(row, partition) + ": column '" + spec.textColumn()
                                + "': " + (text == null ? "missing" : "empty") + " text (pass --on-error skip to "
                                + "leave such records out)");
                    }
                    in.add(row);
                    records.add(new TextRecord("p" + partition + ":" + rowNo, String.valueOf(text), null, Map.of(),
                            Map.of(), spec.input(), rowNo));
                }
                if (records.isEmpty()) {
                    return Collections.emptyIterator();
                }
                List<List<Object>> appended;
                try {
                    appended = append(records);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
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

            private String where(Row row, int partition) {
                String id = spec.idIndex() >= 0 && row.get(spec.idIndex()) != null
                        ? "record id=" + row.get(spec.idIndex()) + " (" : "record (";
                return spec.input() + ": " + id + "partition " + partition + ", row " + rowNo + ")";
            }
        };
    }
}
