package org.toxiscope.cli.bench;

import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.cli.BundleOptions;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.serve.ScoreServer;
import org.toxiscope.serve.ServeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Throughput and latency of {@code serve} under N concurrent loopback clients sending single texts of the shipped
 * sample for T seconds, beside the texts/s of {@code label}'s in-process scoring of the same texts in the same run.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Scores the shipped sample with the bundle in-process in label's chunks (texts/s), then "
                + "starts serve on a loopback port and runs --clients concurrent clients, each sending one text "
                + "per request for --seconds seconds; prints texts/s, p50/p95/p99 latency, errors and the mean batch.",
        footer = {"", "Example:", "  toxiscope bench serve --classifier toxiscope-demo/logreg.tsc --clients 16 "
                + "--seconds 10"})
final class BenchServeCommand implements Callable<Integer> {

    @Option(names = "--classifier", required = true, paramLabel = "BUNDLE", description = "Bundle from train.")
    Path classifier;

    @Mixin
    BundleOptions session;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds of load, at most 60 (default "
            + "${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--max-batch-tokens", defaultValue = "" + ServeSettings.DEFAULT_MAX_BATCH_TOKENS,
            description = "As serve's (default ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--max-wait-ms", defaultValue = "" + ServeSettings.DEFAULT_MAX_WAIT_MS,
            description = "As serve's (default ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || seconds < 1 || seconds > 60) {
            throw new IllegalArgumentException("--clients must be >= 1 and --seconds in 1..60");
        }
        List<String> texts = new ArrayList<>();
        try (RecordStream records = SampleCorpus.corpus().read()) {
            records.forEach(r -> texts.add(r.text()));
        }
        try (ToxicityClassifier loaded = ToxicityClassifier.open(classifier, session.classifierOptions())) {
            double labelRate = labelRate(loaded, texts);
            System.out.printf("label (in-process, chunks of %d): %.1f texts/s over the %d sample texts%n",
                    CorpusPass.DEFAULT_CHUNK, labelRate, texts.size());
            ServeSettings settings = ServeSettings.loopback().withBatching(maxBatchTokens, maxWaitMs,
                    ServeSettings.DEFAULT_QUEUE);
            try (ScoreServer server = ScoreServer.start(settings, new PrintStream(
                    OutputStream.nullOutputStream()))) {
                server.ready(loaded);
                load(server.url(), texts, labelRate, server);
            }
        }
        return 0;
    }

    /** Texts/s of scoring the sample in label's chunks, after one warm-up pass. */
    private static double labelRate(ToxicityClassifier c, List<String> texts) throws IOException {
        for (int pass = 0; pass < 2; pass++) {
            Stopwatch clock = Stopwatch.start();
            for (int i = 0; i < texts.size(); i += CorpusPass.DEFAULT_CHUNK) {
                c.score(texts.subList(i, Math.min(texts.size(), i + CorpusPass.DEFAULT_CHUNK)));
            }
            if (pass == 1) {
                return texts.size() / clock.seconds();
            }
        }
        throw new IllegalStateException();
    }

    private void load(URI url, List<String> texts, double labelRate, ScoreServer server) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Stopwatch clock = Stopwatch.start();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String text = texts.get(Math.floorMod(next.getAndIncrement(), texts.size()));
                    String body = "{\"texts\":[" + new JsonPrimitive(text) + "]}";
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("v1/score"))
                                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            latencies.add(System.nanoTime() - start);
                            done.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double wall = clock.seconds();
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double rate = done.get() / wall;
        System.out.printf("serve: %d clients x %d s: %.1f texts/s (%.0f%% of label's), latency p50 %.1f ms, p95 "
                + "%.1f ms, p99 %.1f ms, %d errors, mean batch %.1f texts%n", clients, seconds, rate,
                100 * rate / labelRate, ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), errors.get(),
                server.meanBatchSize());
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
