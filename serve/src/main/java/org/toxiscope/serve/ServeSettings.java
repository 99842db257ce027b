package org.toxiscope.serve;

/**
 * How the server runs: where it listens, the API key (null: none), the dynamic batching (tokens per forward batch,
 * milliseconds a request may wait for others, requests admitted at once), whether request texts are logged, and the
 * per-request limits.
 */
public record ServeSettings(String host, int port, String apiKey, int maxBatchTokens, long maxWaitMs, int queue,
                            boolean logTexts, Limits limits) {

    public static final int DEFAULT_MAX_BATCH_TOKENS = 4096;
    public static final long DEFAULT_MAX_WAIT_MS = 5;
    public static final int DEFAULT_QUEUE = 256;

    public ServeSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, not " + port);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("--max-batch-tokens must be >= 1, not " + maxBatchTokens);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("--max-wait-ms must be >= 0, not " + maxWaitMs);
        }
        if (queue < 1) {
            throw new IllegalArgumentException("--queue must be >= 1, not " + queue);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            throw new IllegalArgumentException("the API key must not be empty");
        }
    }

    /** Loopback on an ephemeral port, no key, default batching and limits. */
    public static ServeSettings loopback() {
        return new ServeSettings("127.0.0.1", 0, null, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_MAX_WAIT_MS, DEFAULT_QUEUE,
                false, Limits.DEFAULT);
    }

    public ServeSettings withBatching(int otherMaxBatchTokens, long otherMaxWaitMs, int otherQueue) {
        return new ServeSettings(host, port, apiKey, otherMaxBatchTokens, otherMaxWaitMs, otherQueue, logTexts, limits);
    }

    public ServeSettings withApiKey(String key) {
        return new ServeSettings(host, port, key, maxBatchTokens, maxWaitMs, queue, logTexts, limits);
    }

    public ServeSettings withLimits(Limits other) {
        return new ServeSettings(host, port, apiKey, maxBatchTokens, maxWaitMs, queue, logTexts, other);
    }
}
