package org.toxiscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.serve.Limits;
import org.toxiscope.serve.ScoreServer;
import org.toxiscope.serve.ServeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code toxiscope serve}: loads a bundle's model and SAEs once and serves the scoring API, Perspective's
 * {@code comments:analyze} and the feature explorer page until SIGTERM or Ctrl-C, then finishes the requests in
 * flight and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a classifier bundle over HTTP: POST /v1/score, POST /v1alpha1/comments:analyze "
                + "(Perspective API shape), POST /v1/features, /v1/explain, /v1/generate (SSE), /v1/compare, "
                + "GET /healthz, /metrics (Prometheus) and the feature explorer page at /. Concurrent scoring "
                + "requests are merged into one forward batch. Binds 127.0.0.1 unless --host says otherwise; with "
                + "--api-key-file every route but /healthz needs 'Authorization: Bearer KEY'. SIGTERM stops "
                + "accepting, finishes the requests in flight and exits 0."},
        footer = {"", "Example:", "  toxiscope serve --classifier toxic.tsc --port 8080",
            "  curl -s localhost:8080/v1/score -d '{\"texts\":[\"you idiot\"],\"explain\":true}'"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--classifier", required = true, paramLabel = "BUNDLE", description = "Bundle from train.")
    Path classifier;

    @Mixin
    BundleOptions session;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "F",
            description = "File whose first line is the API key clients must send as 'Authorization: Bearer KEY'.")
    Path apiKeyFile;

    @Option(names = "--max-batch-tokens", defaultValue = "" + ServeSettings.DEFAULT_MAX_BATCH_TOKENS,
            paramLabel = "N", description = "Tokens of the requests merged into one forward batch at most "
                    + "(default ${DEFAULT-VALUE}; a larger request runs alone).")
    int maxBatchTokens;

    @Option(names = "--max-wait-ms", defaultValue = "" + ServeSettings.DEFAULT_MAX_WAIT_MS, paramLabel = "N",
            description = "Milliseconds a request waits for others to share its batch (default ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Option(names = "--queue", defaultValue = "" + ServeSettings.DEFAULT_QUEUE, paramLabel = "N",
            description = "Scoring requests admitted at once, waiting or running (default ${DEFAULT-VALUE}); "
                    + "more get 429 with Retry-After.")
    int queue;

    @Option(names = "--log-texts", description = "Also log the texts of each request (default: never).")
    boolean logTexts;

    @Option(names = "--max-texts", defaultValue = "" + 64, paramLabel = "N",
            description = "Texts per request at most (default ${DEFAULT-VALUE}; more: 413).")
    int maxTexts;

    @Option(names = "--max-chars", defaultValue = "" + 20_000, paramLabel = "N",
            description = "Characters per text at most (default ${DEFAULT-VALUE}; more: 413).")
    int maxChars;

    @Option(names = "--max-body-bytes", defaultValue = "" + (2 << 20), paramLabel = "N",
            description = "Bytes of request body at most (default ${DEFAULT-VALUE}; more: 413).")
    long maxBodyBytes;

    @Option(names = "--max-new-tokens", defaultValue = "256", paramLabel = "N",
            description = "Tokens /v1/generate may ask for at most (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--timeout-ms", defaultValue = "30000", paramLabel = "N",
            description = "Milliseconds a scoring request may take, queue included (default ${DEFAULT-VALUE}; "
                    + "past it: 504).")
    long timeoutMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServeSettings settings = new ServeSettings(host, port, apiKey(), maxBatchTokens, maxWaitMs, queue, logTexts,
                new Limits(maxTexts, maxChars, maxBodyBytes, maxNewTokens, timeoutMs));
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        PrintWriter out = spec.commandLine().getOut();
        try (ScoreServer server = ScoreServer.start(settings, System.err)) {
            System.err.println("serve: listening on " + server.url() + " (/healthz answers 503 until the model is "
                    + "loaded)");
            try (ToxicityClassifier loaded = ToxicityClassifier.open(classifier,
                    session.classifierOptions().withWholeModel())) {
                server.ready(loaded);
                out.println("serve: ready at " + server.url() + " (bundle " + loaded.id() + ", " + loaded.dtype()
                        + ")");
                out.flush();
                stop.await();
                System.err.println("serve: stopping: finishing the requests in flight");
                server.close();
            }
        }
        System.err.println("serve: stopped");
        return 0;
    }

    private String apiKey() throws IOException {
        if (apiKeyFile == null) {
            return null;
        }
        if (!Files.isRegularFile(apiKeyFile)) {
            throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": no such file");
        }
        String key = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": the first line (the key) is empty");
        }
        return key;
    }
}
