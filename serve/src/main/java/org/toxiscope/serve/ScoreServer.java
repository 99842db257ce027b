package org.toxiscope.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.LinearClassifier;
import org.toxiscope.classify.Prediction;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.classify.ToxicityClassifier.Scores;
import org.toxiscope.common.Digests;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/**
 * The HTTP API of {@code toxiscope serve} on Javalin: binds at once and answers {@code /healthz} 503 until
 * {@link #ready} hands it the loaded classifier; scoring goes through the {@link Batcher}, the explorer routes
 * through {@link Explorer}; every route but {@code /healthz} needs the API key when one is set; one log line per
 * request on stderr; {@link #close} stops accepting, lets the requests in flight finish, then stops.
 */
public final class ScoreServer implements AutoCloseable {

    /** The classpath folder of the browser page. */
    static final String WEB = "/org/toxiscope/serve/web/";
    private static final Pattern STATIC_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png",
            "svg", "image/svg+xml", "json", "application/json", "ico", "image/x-icon", "txt",
            "text/plain; charset=utf-8");
    private static final Set<String> ROUTES = Set.of("/healthz", "/metrics", "/v1/info", "/v1/score",
            "/v1alpha1/comments:analyze", "/v1/features", "/v1/explain", "/v1/generate", "/v1/compare");
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final long DRAIN_MS = 60_000;
    /** The most of an unread body read and dropped so an error's answer arrives; a larger body's connection is cut. */
    private static final long DISCARD_BYTES = 16L << 20;

    private final ServeSettings settings;
    private final byte[] keyDigest;
    private final Metrics metrics;
    private final PrintStream log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Javalin app;
    private volatile boolean draining;
    private boolean stopped;
    private volatile ToxicityClassifier classifier;
    private volatile Batcher batcher;
    private volatile Explorer explorer;
    private volatile Perspective perspective;
    private volatile JsonObject info;

    private ScoreServer(ServeSettings settings, PrintStream log) {
        this.settings = settings;
        this.keyDigest = settings.apiKey() == null ? null : digest(settings.apiKey());
        this.log = log;
        this.metrics = new Metrics(() -> batcher == null ? 0 : batcher.depth());
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.limits().maxBodyBytes();
            config.jetty.modifyServer(server -> server.setStopTimeout(DRAIN_MS));
            config.routes.get("/healthz", ctx -> handle(ctx, "/healthz", this::health));
            config.routes.get("/metrics", ctx -> handle(ctx, "/metrics", c -> {
                c.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.text());
                return 0;
            }));
            config.routes.get("/v1/info", ctx -> handle(ctx, "/v1/info", c -> {
                loaded();
                return json(c, info);
            }));
            config.routes.post("/v1/score", ctx -> handle(ctx, "/v1/score", this::score));
            config.routes.post("/v1alpha1/comments:analyze", ctx -> handle(ctx, "/v1alpha1/comments:analyze",
                    c -> {
                        loaded();
                        RequestBody body = body(c);
                        Perspective.Request request = perspective.request(body);
                        c.attribute("texts", request.texts());
                        List<Scores> scores = batcher.score(request.texts(), false, settings.limits().timeoutMs());
                        json(c, perspective.response(request, scores));
                        return request.texts().size();
                    }));
            config.routes.post("/v1/features", ctx -> handle(ctx, "/v1/features", c -> {
                loaded();
                json(c, explorer.features(body(c)));
                return 1;
            }));
            config.routes.post("/v1/explain", ctx -> handle(ctx, "/v1/explain", c -> {
                loaded();
                return json(c, explorer.explain(body(c)));
            }));
            config.routes.post("/v1/compare", ctx -> handle(ctx, "/v1/compare", c -> {
                loaded();
                RequestBody body = body(c);
                json(c, explorer.compare(body));
                return body.strings("a", settings.limits().maxTexts()).size()
                        + body.strings("b", settings.limits().maxTexts()).size();
            }));
            config.routes.post("/v1/generate", ctx -> handle(ctx, "/v1/generate", c -> {
                loaded();
                explorer.generate(body(c), c);
                return 1;
            }));
            config.routes.get("/", ctx -> handle(ctx, "static", c -> resource(c, "index.html")));
            config.routes.get("/{file}", ctx -> handle(ctx, "static", c -> resource(c, c.pathParam("file"))));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{\"error\"")) {
                    error(ctx, new ApiException(404, "NOT_FOUND", "no route " + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> error(ctx, new ApiException(405, "INVALID_ARGUMENT",
                    ctx.method() + " is not allowed on " + ctx.path())));
        });
    }

    /** Starts listening as {@code settings} say; scoring routes answer 503 until {@link #ready}. */
    public static ScoreServer start(ServeSettings settings, PrintStream log) {
        ScoreServer server = new ScoreServer(settings, log);
        server.app.start(settings.host(), settings.port());
        return server;
    }

    /** Starts serving {@code loaded} (which the caller closes after {@link #close}). */
    public void ready(ToxicityClassifier loaded) throws IOException {
        this.info = info(loaded);
        this.batcher = new Batcher(loaded::score, loaded::tokenCount, settings, metrics);
        this.explorer = new Explorer(loaded, settings.limits());
        this.perspective = new Perspective(loaded.bundle().labelNames());
        this.classifier = loaded;
    }

    public int port() {
        return app.port();
    }

    /** The address clients use, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Texts per forward batch so far. */
    public double meanBatchSize() {
        return metrics.meanBatchSize();
    }

    private ToxicityClassifier loaded() {
        ToxicityClassifier c = classifier;
        if (c == null) {
            throw new ApiException(503, "UNAVAILABLE", "the model is still loading");
        }
        return c;
    }

    /** A route's work: answers the context and returns the number of texts it took (for the log line). */
    private interface Route {
        int run(Context ctx) throws Exception;
    }

    private void handle(Context ctx, String route, Route work) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        int texts = 0;
        try {
            if (draining) {
                throw new ApiException(503, "UNAVAILABLE", "the server is shutting down");
            }
            if (!route.equals("/healthz")) {
                authorize(ctx);
            }
            long length = ctx.contentLength();
            if (length > settings.limits().maxBodyBytes()) {
                throw ApiException.tooLarge("the request body has " + length + " bytes; the limit is "
                        + settings.limits().maxBodyBytes());
            }
            texts = work.run(ctx);
        } catch (ApiException e) {
            error(ctx, e);
        } catch (HttpResponseException e) {
            error(ctx, new ApiException(e.getStatus(), e.getStatus() == 413 ? "INVALID_ARGUMENT" : "UNKNOWN",
                    e.getStatus() == 413 ? "the request body is over the limit of "
                            + settings.limits().maxBodyBytes() + " bytes" : String.valueOf(e.getMessage())));
        } catch (IllegalArgumentException e) {
            error(ctx, ApiException.badRequest(String.valueOf(e.getMessage())));
        } catch (Exception e) {
            error(ctx, new ApiException(500, "INTERNAL", e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics.request(route, ctx.statusCode(), seconds);
            logLine(ctx, route, texts, seconds);
            inFlight.decrementAndGet();
        }
    }

    private void logLine(Context ctx, String route, int texts, double seconds) {
        StringBuilder line = new StringBuilder("serve: ").append(ctx.method()).append(' ')
                .append(route.equals("static") ? ctx.path() : route).append(' ').append(ctx.statusCode())
                .append(" texts=").append(texts).append(' ').append(Math.round(seconds * 1000)).append("ms");
        Object logged = ctx.attribute("texts");
        if (settings.logTexts() && logged != null) {
            line.append(" texts=").append(GSON.toJson(logged));
        }
        log.println(line);
    }

    private void authorize(Context ctx) {
        if (keyDigest == null) {
            return;
        }
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
                : null;
        // Perspective's clients pass the key as ?key=; accepted on its route so they work unchanged.
        if (given == null && ctx.path().equals("/v1alpha1/comments:analyze")) {
            given = ctx.queryParam("key");
        }
        if (given == null || !MessageDigest.isEqual(digest(given), keyDigest)) {
            throw new ApiException(401, "UNAUTHENTICATED", given == null
                    ? "missing API key: send 'Authorization: Bearer KEY'" : "the API key is not valid");
        }
    }

    /** Comparing digests keeps the comparison's time independent of where, or whether, the keys differ. */
    private static byte[] digest(String key) {
        return Digests.sha256(key).getBytes(StandardCharsets.US_ASCII);
    }

    private RequestBody body(Context ctx) {
        RequestBody body = RequestBody.parse(ctx.body(), settings.limits());
        ctx.attribute("body", body);
        return body;
    }

    private int health(Context ctx) {
        ToxicityClassifier c = classifier;
        if (c == null) {
            throw new ApiException(503, "UNAVAILABLE", "the model is still loading");
        }
        JsonObject out = new JsonObject();
        out.addProperty("status", "ok");
        out.addProperty("bundle", c.id());
        out.addProperty("dtype", c.dtype());
        return json(ctx, out);
    }

    /** What {@code /v1/info} answers; it never changes while the server runs. */
    private static JsonObject info(ToxicityClassifier c) throws IOException {
        JsonObject out = new JsonObject();
        out.addProperty("bundle", c.id());
        out.addProperty("dtype", c.dtype());
        out.addProperty("method", c.bundle().method().id());
        JsonArray labels = new JsonArray();
        c.bundle().labelNames().forEach(labels::add);
        out.add("labels", labels);
        JsonArray layers = new JsonArray();
        for (int l : c.bundle().layers()) {
            layers.add(l);
        }
        out.add("layers", layers);
        LabelClassifier primary = c.bundle().classifiers().get(0);
        Map<FeatureRef, Double> weights = primary.scorer() instanceof LinearClassifier linear
                ? linear.featureWeights() : Map.of();
        JsonArray features = new JsonArray();
        for (FeatureRef f : primary.scorer().features()) {
            JsonObject o = new JsonObject();
            o.addProperty("layer", f.layer());
            o.addProperty("feature", f.feature());
            // a rule counts each of its features once
            o.addProperty("weight", weights.getOrDefault(f, 1.0));
            features.add(o);
        }
        out.add("features", features);
        SessionSpec spec = c.withSession(FeatureSession::spec);
        out.addProperty("model", spec.model());
        out.addProperty("sae", spec.sae());
        return out;
    }

    private int score(Context ctx) throws IOException, InterruptedException {
        ToxicityClassifier c = loaded();
        RequestBody body = body(ctx);
        List<String> texts = body.strings("texts", settings.limits().maxTexts());
        boolean explain = body.bool("explain", false);
        ctx.attribute("texts", texts);
        List<Scores> scores = batcher.score(texts, explain, settings.limits().timeoutMs());
        LabelColumns columns = LabelColumns.of(c.bundle().labelNames(), Set.of());
        JsonArray results = new JsonArray();
        for (Scores s : scores) {
            results.add(result(columns, s, explain));
        }
        JsonObject out = new JsonObject();
        out.addProperty("bundle", c.id());
        out.addProperty("dtype", c.dtype());
        out.add("results", results);
        json(ctx, out);
        return texts.size();
    }

    /** One text's object: the columns {@code label} appends, {@code top_features} as a list and only when asked. */
    static JsonObject result(LabelColumns columns, Scores s, boolean explain) {
        JsonObject o = new JsonObject();
        List<Object> values = LabelColumns.values(s.predictions());
        for (int i = 0; i < values.size(); i++) {
            String name = columns.names().get(i);
            switch (columns.kinds().get(i)) {
                case SCORE -> o.addProperty(name, (Double) values.get(i));
                case DECISION -> o.addProperty(name, (Integer) values.get(i));
                case EXPLANATION -> {
                    if (explain) {
                        o.add(name, topFeatures(s.topFeatures()));
                    }
                }
                default -> throw new IllegalStateException(columns.kinds().get(i).toString());
            }
        }
        return o;
    }

    private static JsonArray topFeatures(List<ToxicityClassifier.TopFeature> top) {
        JsonArray out = new JsonArray();
        for (ToxicityClassifier.TopFeature f : top) {
            JsonObject o = new JsonObject();
            o.addProperty("layer", f.layer());
            o.addProperty("feature", f.feature());
            o.addProperty("value", f.value());
            o.addProperty("activation", f.activation());
            o.addProperty("position", f.position());
            o.addProperty("token", f.token());
            out.add(o);
        }
        return out;
    }

    private int resource(Context ctx, String name) throws IOException {
        if (!STATIC_NAME.matcher(name).matches()) {
            throw new ApiException(404, "NOT_FOUND", "no file " + name);
        }
        InputStream in = ScoreServer.class.getResourceAsStream(WEB + name);
        if (in == null) {
            throw new ApiException(404, "NOT_FOUND", "no route GET /" + name);
        }
        try (in) {
            int dot = name.lastIndexOf('.');
            String type = CONTENT_TYPES.get(dot < 0 ? "" : name.substring(dot + 1));
            ctx.contentType(type != null ? type : "application/octet-stream").result(in.readAllBytes());
        }
        return 0;
    }

    static int json(Context ctx, JsonElement body) {
        ctx.contentType("application/json").result(GSON.toJson(body));
        return 0;
    }

    private void error(Context ctx, ApiException e) {
        ctx.status(e.status());
        discardUnreadBody(ctx);
        if (e.status() == 429) {
            ctx.header("Retry-After", Long.toString(Math.max(1, TimeUnit.MILLISECONDS.toSeconds(
                    settings.maxWaitMs() + 999))));
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        json(ctx, e.body());
    }

    /**
     * Reads and drops what an error left unread of the request body (an over-limit one, or any refused before it was
     * read), up to {@link #DISCARD_BYTES}: closing a connection with unread bytes in its receive buffer makes TCP send
     * a reset, which can destroy the error before the client reads it.
     */
    private static void discardUnreadBody(Context ctx) {
        byte[] sink = new byte[64 << 10];
        long left = DISCARD_BYTES;
        try {
            InputStream in = ctx.req().getInputStream();
            for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException | IllegalStateException ignored) {
            // The client went away or the body was already taken as a reader; the error is still the answer.
        }
    }

    /** Stops accepting (closes the listening socket; requests on open connections get 503), waits for those in flight, stops the batcher and the HTTP server. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        draining = true;
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof NetworkConnector network) {
                network.close();
            }
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        if (batcher != null) {
            batcher.close();
        }
        app.stop();
    }
}
