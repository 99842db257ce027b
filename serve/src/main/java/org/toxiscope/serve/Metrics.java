package org.toxiscope.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters in the Prometheus text format (0.0.4): requests by route and status, request latency and
 * batch sizes as histograms, queue depth, texts and tokens scored and the tokens/s of the last batch.
 */
final class Metrics {

    private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    /** A cumulative histogram with fixed bounds. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final AtomicLong sumBits = new AtomicLong(Double.doubleToLongBits(0));

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double value) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    counts[i].increment();
                }
            }
            count.increment();
            sumBits.accumulateAndGet(0, (bits, x) -> Double.doubleToLongBits(Double.longBitsToDouble(bits) + value));
        }

        void write(StringBuilder out, String name, String labels) {
            String sep = labels.isEmpty() ? "" : labels + ",";
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{").append(sep).append("le=\"").append(number(bounds[i]))
                        .append("\"} ").append(counts[i].sum()).append('\n');
            }
            out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            String braces = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_sum").append(braces).append(' ')
                    .append(number(Double.longBitsToDouble(sumBits.get()))).append('\n');
            out.append(name).append("_count").append(braces).append(' ').append(count.sum()).append('\n');
        }
    }

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Histogram batchTexts = new Histogram(BATCH_BOUNDS);
    private final LongAdder texts = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private volatile double tokensPerSecond;
    private final LongSupplier queueDepth;

    Metrics(LongSupplier queueDepth) {
        this.queueDepth = queueDepth;
    }

    void request(String route, int status, double seconds) {
        requests.computeIfAbsent("route=\"" + route + "\",status=\"" + status + "\"", k -> new LongAdder())
                .increment();
        latency.computeIfAbsent("route=\"" + route + "\"", k -> new Histogram(LATENCY_BOUNDS)).observe(seconds);
    }

    /** One forward batch of {@code n} texts and {@code batchTokens} tokens that took {@code seconds}. */
    void batch(int n, long batchTokens, double seconds) {
        batchTexts.observe(n);
        batches.increment();
        texts.add(n);
        tokens.add(batchTokens);
        tokensPerSecond = seconds > 0 ? batchTokens / seconds : 0;
    }

    /** Texts scored per forward batch so far (0 before the first). */
    double meanBatchSize() {
        long b = batches.sum();
        return b == 0 ? 0 : texts.sum() / (double) b;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP toxiscope_requests_total HTTP requests answered, by route and status.\n")
                .append("# TYPE toxiscope_requests_total counter\n");
        new TreeMap<>(requests).forEach((labels, n) -> out.append("toxiscope_requests_total{").append(labels)
                .append("} ").append(n.sum()).append('\n'));
        out.append("# HELP toxiscope_request_seconds Request latency, by route.\n")
                .append("# TYPE toxiscope_request_seconds histogram\n");
        new TreeMap<>(latency).forEach((labels, h) -> h.write(out, "toxiscope_request_seconds", labels));
        out.append("# HELP toxiscope_batch_texts Texts per forward batch.\n")
                .append("# TYPE toxiscope_batch_texts histogram\n");
        batchTexts.write(out, "toxiscope_batch_texts", "");
        out.append("# HELP toxiscope_queue_depth Scoring requests waiting for a batch.\n")
                .append("# TYPE toxiscope_queue_depth gauge\n")
                .append("toxiscope_queue_depth ").append(queueDepth.getAsLong()).append('\n');
        out.append("# HELP toxiscope_texts_total Texts scored.\n# TYPE toxiscope_texts_total counter\n")
                .append("toxiscope_texts_total ").append(texts.sum()).append('\n');
        out.append("# HELP toxiscope_tokens_total Tokens scored.\n# TYPE toxiscope_tokens_total counter\n")
                .append("toxiscope_tokens_total ").append(tokens.sum()).append('\n');
        out.append("# HELP toxiscope_tokens_per_second Tokens per second of the last forward batch.\n")
                .append("# TYPE toxiscope_tokens_per_second gauge\n")
                .append("toxiscope_tokens_per_second ").append(number(tokensPerSecond)).append('\n');
        return out.toString();
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6g", d);
    }
}
