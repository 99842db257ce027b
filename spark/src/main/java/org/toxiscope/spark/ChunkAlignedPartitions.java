package org.toxiscope.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Spreads rows over N partitions in input order, each holding a whole number of chunks: partition p gets the p-th
 * N-th of the chunks a single-machine run forms, so each chunk (and so each batch) is the same as there. Costs one
 * counting pass over the input and a shuffle of the rows (small next to running the model on them).
 */
final class ChunkAlignedPartitions extends Partitioner {

    private final int partitions;
    private final int chunk;
    private final long chunks;

    private ChunkAlignedPartitions(int partitions, int chunk, long chunks) {
        this.partitions = partitions;
        this.chunk = chunk;
        this.chunks = chunks;
    }

    /** {@code rows} in {@code partitions} chunk-aligned partitions (fewer when there are fewer chunks), in order. */
    static JavaRDD<Row> spread(JavaRDD<Row> rows, int partitions, int chunk) {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        List<Long> counts = rows.mapPartitions((Iterator<Row> it) -> {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        long[] first = new long[counts.size()];
        long total = 0;
        for (int p = 0; p < first.length; p++) {
            first[p] = total;
            total += counts.get(p);
        }
        if (total == 0) {
            return rows;
        }
        long chunks = (total + chunk - 1) / chunk;
        ChunkAlignedPartitions partitioner = new ChunkAlignedPartitions((int) Math.min(partitions, chunks), chunk, chunks);
        return rows.mapPartitionsWithIndex((Integer p, Iterator<Row> it) -> new Iterator<Tuple2<Long, Row>>() {
            private long index = first[p];

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<Long, Row> next() {
                return new Tuple2<>(index++, it.next());
            }
        }, true).mapToPair(t -> t).repartitionAndSortWithinPartitions(partitioner).values();
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long chunkIndex = (Long) key / chunk;
        return (int) (chunkIndex * partitions / chunks);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkAlignedPartitions c && c.partitions == partitions && c.chunk == chunk
                && c.chunks == chunks;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(chunks) * 31 * 31 + chunk * 31 + partitions;
    }
}
