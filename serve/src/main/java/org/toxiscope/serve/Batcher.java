package org.toxiscope.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.toxiscope.classify.ToxicityClassifier.Scores;

/**
 * Dynamic batching: concurrent scoring requests are merged into one forward batch of at most {@code maxBatchTokens}
 * tokens (a larger request runs alone), the first waiting at most {@code maxWaitMs} for others; at most
 * {@code queue} requests are admitted at once (waiting or running), more are refused 429, and a request not answered
 * within its deadline is answered 504 (and dropped if still waiting). One worker thread runs the batches in order.
 */
final class Batcher implements AutoCloseable {

    /** Scores a merged batch of texts, in order. */
    interface Scorer {
        List<Scores> score(List<String> texts, boolean explain) throws IOException;
    }

    /** Tokens a text takes in a batch. */
    interface TokenCounter {
        int tokens(String text);
    }

    private static final class Job {
        final List<String> texts;
        final long tokens;
        final boolean explain;
        final long arrived = System.nanoTime();
        final long deadline;
        final CompletableFuture<List<Scores>> result = new CompletableFuture<>();
        volatile boolean abandoned;

        Job(List<String> texts, long tokens, boolean explain, long timeoutMs) {
            this.texts = texts;
            this.tokens = tokens;
            this.explain = explain;
            this.deadline = arrived + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }
    }

    private final Scorer scorer;
    private final TokenCounter counter;
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final int queueSize;
    private final Metrics metrics;
    private final LinkedBlockingQueue<Job> waiting = new LinkedBlockingQueue<>();
    private final Semaphore admitted;
    private final Thread worker;
    private volatile boolean closed;
    /** A job taken from the queue that did not fit the batch before; it opens the next one. */
    private Job carry;
    private final AtomicInteger pending = new AtomicInteger();

    Batcher(Scorer scorer, TokenCounter counter, ServeSettings settings, Metrics metrics) {
        this.scorer = scorer;
        this.counter = counter;
        this.maxBatchTokens = settings.maxBatchTokens();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(settings.maxWaitMs());
        this.queueSize = settings.queue();
        this.admitted = new Semaphore(settings.queue());
        this.metrics = metrics;
        // The model runs on this thread though it was loaded on another, so libtorch's OpenMP keeps two worker teams
        // and libgomp sleeps between parallel ops instead of spinning. Moving load and scoring onto one engine thread
        // was measured slower (bench serve, demo bundle, 2 CPUs, 16 clients: 181-195 texts/s against 247-275): the
        // spinning workers take the CPUs that the request threads need.
        this.worker = new Thread(this::work, "toxiscope-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** Requests waiting for a batch (admitted, their batch not yet running). */
    long depth() {
        return pending.get();
    }

    /** The texts' scores, in order, once their batch ran; 429 when the queue is full, 504 past the deadline. */
    List<Scores> score(List<String> texts, boolean explain, long timeoutMs) throws IOException, InterruptedException {
        if (closed) {
            throw new ApiException(503, "UNAVAILABLE", "the server is shutting down");
        }
        if (!admitted.tryAcquire()) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", "the queue is full (" + queueSize
                    + " requests waiting or running, --queue); retry later");
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += Math.max(1, counter.tokens(t));
        }
        Job job = new Job(texts, tokens, explain, timeoutMs);
        pending.incrementAndGet();
        waiting.add(job);
        try {
            return job.result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            job.abandoned = true;
            throw new ApiException(504, "DEADLINE_EXCEEDED", "not scored within the deadline of " + timeoutMs
                    + " ms (the server is busy); retry later");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void work() {
        while (true) {
            Job first;
            try {
                first = carry != null ? carry : waiting.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            carry = null;
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            List<Job> batch = new ArrayList<>();
            batch.add(first);
            long tokens = first.tokens;
            long until = first.arrived + maxWaitNanos;
            try {
                while (tokens < maxBatchTokens) {
                    long wait = until - System.nanoTime();
                    Job next = wait > 0 ? waiting.poll(wait, TimeUnit.NANOSECONDS) : waiting.poll();
                    if (next == null) {
                        break;
                    }
                    if (tokens + next.tokens > maxBatchTokens) {
                        carry = next;
                        break;
                    }
                    batch.add(next);
                    tokens += next.tokens;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run(batch);
        }
    }

    private void run(List<Job> jobs) {
        pending.addAndGet(-jobs.size());
        List<Job> live = new ArrayList<>();
        long now = System.nanoTime();
        for (Job j : jobs) {
            if (j.abandoned || now - j.deadline > 0) {
                j.result.completeExceptionally(new ApiException(504, "DEADLINE_EXCEEDED", "deadline passed"));
                admitted.release();
            } else {
                live.add(j);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>();
        boolean explain = false;
        long tokens = 0;
        for (Job j : live) {
            texts.addAll(j.texts);
            explain |= j.explain;
            tokens += j.tokens;
        }
        long start = System.nanoTime();
        try {
            List<Scores> scores = scorer.score(texts, explain);
            metrics.batch(texts.size(), tokens, (System.nanoTime() - start) / 1e9);
            int at = 0;
            for (Job j : live) {
                j.result.complete(scores.subList(at, at + j.texts.size()));
                at += j.texts.size();
            }
        } catch (IOException | RuntimeException e) {
            live.forEach(j -> j.result.completeExceptionally(e));
        } finally {
            admitted.release(live.size());
        }
    }

    /** Refuses new requests, scores those admitted, then stops the worker. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        worker.join();
    }
}
