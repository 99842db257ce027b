package org.toxiscope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.toxiscope.classify.ToxicityClassifier;

/** Every route's happy path against one server on an ephemeral loopback port, on the demo model. */
class ScoreServerTest {

    private static final String TOXIC = "You are an absolute idiot and everyone here knows it.";

    private static ScoreServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = ScoreServer.start(ServeSettings.loopback(), System.err);
        server.ready(DemoBundle.classifier());
        http = new Http(server.url(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static JsonObject json(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    @Test
    void healthAndInfoNameTheBundle() {
        JsonObject health = json(http.get("/healthz"), 200);
        assertEquals("ok", health.get("status").getAsString());
        assertEquals(DemoBundle.classifier().id(), health.get("bundle").getAsString());
        assertEquals("f32", health.get("dtype").getAsString());
        JsonObject info = json(http.get("/v1/info"), 200);
        assertEquals("[\"toxic\",\"insult\"]", info.get("labels").toString());
        assertFalse(info.getAsJsonArray("layers").isEmpty());
        JsonObject feature = info.getAsJsonArray("features").get(0).getAsJsonObject();
        assertTrue(feature.has("layer") && feature.has("feature") && feature.has("weight"), feature.toString());
        assertTrue(info.get("model").getAsString().contains("serve-demo"), info.toString());
    }

    @Test
    void scoreGivesLabelsColumnsAndTheSameScoresAsTheClassifier() throws Exception {
        List<String> texts = List.of(TOXIC, "Thank you for the kind and helpful answer.");
        JsonObject out = json(http.post("/v1/score", "{\"texts\":[\"" + texts.get(0) + "\",\"" + texts.get(1)
                + "\"],\"explain\":true}"), 200);
        assertEquals(DemoBundle.classifier().id(), out.get("bundle").getAsString());
        assertEquals("f32", out.get("dtype").getAsString());
        JsonArray results = out.getAsJsonArray("results");
        assertEquals(2, results.size());
        List<ToxicityClassifier.Scores> direct = DemoBundle.classifier().score(texts, true);
        for (int i = 0; i < 2; i++) {
            JsonObject r = results.get(i).getAsJsonObject();
            assertEquals(List.of("toxic_score", "toxic", "top_features", "insult_score", "insult"),
                    new ArrayList<>(r.keySet()));
            assertEquals(direct.get(i).toxicScore(), r.get("toxic_score").getAsDouble(), 0);
            assertEquals(direct.get(i).toxic() ? 1 : 0, r.get("toxic").getAsInt());
            assertEquals(direct.get(i).label("insult").score(), r.get("insult_score").getAsDouble(), 0);
        }
        JsonObject first = results.get(0).getAsJsonObject();
        assertEquals(1, first.get("toxic").getAsInt(), "the sample's first insult is toxic on the demo model");
        JsonObject top = first.getAsJsonArray("top_features").get(0).getAsJsonObject();
        for (String field : List.of("layer", "feature", "value", "position", "token")) {
            assertTrue(top.has(field), field + " in " + top);
        }
        assertEquals(direct.get(0).topFeatures().get(0).token(), top.get("token").getAsString());
        JsonObject plain = json(http.post("/v1/score", "{\"texts\":[\"" + TOXIC + "\"]}"), 200);
        assertFalse(plain.getAsJsonArray("results").get(0).getAsJsonObject().has("top_features"));
    }

    @Test
    void perspectiveAnalyzeAnswersInItsShape() {
        String request = "{\"comment\":{\"text\":\"" + TOXIC + " Have a nice day.\"},\"languages\":[\"en\"],"
                + "\"requestedAttributes\":{\"TOXICITY\":{},\"INSULT\":{}},\"doNotStore\":true,"
                + "\"spanAnnotations\":true}";
        JsonObject out = json(http.post("/v1alpha1/comments:analyze", request), 200);
        assertEquals("[\"en\"]", out.get("languages").toString());
        JsonObject scores = out.getAsJsonObject("attributeScores");
        assertEquals(List.of("TOXICITY", "INSULT"), new ArrayList<>(scores.keySet()));
        JsonObject toxicity = scores.getAsJsonObject("TOXICITY");
        JsonObject summary = toxicity.getAsJsonObject("summaryScore");
        assertEquals("PROBABILITY", summary.get("type").getAsString());
        double value = summary.get("value").getAsDouble();
        assertTrue(value >= 0 && value <= 1, summary.toString());
        JsonArray spans = toxicity.getAsJsonArray("spanScores");
        assertEquals(2, spans.size(), spans.toString());
        JsonObject span = spans.get(0).getAsJsonObject();
        assertEquals(0, span.get("begin").getAsInt());
        assertEquals(TOXIC.length(), span.get("end").getAsInt());
        assertEquals("PROBABILITY", span.getAsJsonObject("score").get("type").getAsString());
        // the insult head is the toxic classifier itself
        assertEquals(value, scores.getAsJsonObject("INSULT").getAsJsonObject("summaryScore").get("value")
                .getAsDouble(), 0);
        JsonObject plain = json(http.post("/v1alpha1/comments:analyze", "{\"comment\":{\"text\":\"hello\"},"
                + "\"requestedAttributes\":{\"TOXICITY\":{}}}"), 200);
        assertFalse(plain.getAsJsonObject("attributeScores").getAsJsonObject("TOXICITY").has("spanScores"));
    }

    @Test
    void perspectiveUnknownAttributeIsItsKindOf400() {
        JsonObject error = json(http.post("/v1alpha1/comments:analyze", "{\"comment\":{\"text\":\"hello\"},"
                + "\"requestedAttributes\":{\"FLIRTATION\":{}}}"), 400).getAsJsonObject("error");
        assertEquals(400, error.get("code").getAsInt());
        assertEquals("INVALID_ARGUMENT", error.get("status").getAsString());
        assertTrue(error.get("message").getAsString().contains("FLIRTATION"), error.toString());
    }

    @Test
    void featuresGivePerTokenTopKAndPooled() {
        JsonObject out = json(http.post("/v1/features", "{\"text\":\"" + TOXIC + "\",\"k\":3}"), 200);
        int tokens = out.getAsJsonArray("tokens").size();
        assertTrue(tokens > 3);
        JsonArray layers = out.getAsJsonArray("layers");
        assertEquals(DemoBundle.classifier().bundle().layers().length, layers.size());
        JsonObject layer = layers.get(0).getAsJsonObject();
        JsonArray perToken = layer.getAsJsonArray("per_token");
        assertEquals(tokens, perToken.size());
        for (JsonElement position : perToken) {
            assertTrue(position.getAsJsonArray().size() <= 3);
        }
        JsonArray pooled = layer.getAsJsonArray("pooled");
        assertFalse(pooled.isEmpty());
        for (int i = 1; i < pooled.size(); i++) {
            assertTrue(pooled.get(i - 1).getAsJsonObject().get("value").getAsDouble()
                    >= pooled.get(i).getAsJsonObject().get("value").getAsDouble());
        }
    }

    @Test
    void explainGivesLogitLensTokens() {
        int layer = DemoBundle.classifier().bundle().layers()[0];
        JsonObject out = json(http.post("/v1/explain", "{\"layer\":" + layer + ",\"features\":[0,5],\"tokens\":4}"),
                200);
        JsonArray features = out.getAsJsonArray("features");
        assertEquals(2, features.size());
        assertEquals(5, features.get(1).getAsJsonObject().get("feature").getAsInt());
        assertEquals(4, features.get(0).getAsJsonObject().getAsJsonArray("logit_lens").size());
    }

    @Test
    void compareRanksByDifferenceOfFiringRates() {
        List<String> texts = DemoBundle.texts();
        String a = quoted(texts.subList(0, 8));
        String b = quoted(texts.subList(texts.size() - 8, texts.size()));
        JsonObject out = json(http.post("/v1/compare", "{\"a\":" + a + ",\"b\":" + b + ",\"top\":5}"), 200);
        assertEquals(DemoBundle.classifier().bundle().layers()[0], out.get("layer").getAsInt());
        JsonArray features = out.getAsJsonArray("features");
        assertEquals(5, features.size());
        double previous = Double.MAX_VALUE;
        for (JsonElement e : features) {
            JsonObject f = e.getAsJsonObject();
            double d = f.get("difference").getAsDouble();
            assertEquals(f.get("rate_a").getAsDouble() - f.get("rate_b").getAsDouble(), d, 1e-12);
            assertTrue(Math.abs(d) <= previous);
            previous = Math.abs(d);
            assertFalse(f.getAsJsonArray("logit_lens").isEmpty());
        }
    }

    @Test
    void generateStreamsTheSameGreedyTextItAnswersWhole() {
        int layer = DemoBundle.classifier().bundle().layers()[0];
        String request = "{\"prompt\":\"The weather today\",\"max_tokens\":6,\"steer\":[{\"layer\":" + layer
                + ",\"feature\":3,\"alpha\":5}]";
        JsonObject whole = json(http.post("/v1/generate", request + ",\"stream\":false}"), 200);
        assertTrue(whole.getAsJsonArray("tokens").size() >= 1);
        HttpResponse<String> stream = http.post("/v1/generate", request + "}");
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder streamed = new StringBuilder();
        JsonObject done = null;
        int events = 0;
        for (String line : stream.body().split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonObject event = JsonParser.parseString(line.substring(6)).getAsJsonObject();
            if (event.has("done")) {
                done = event;
            } else {
                assertEquals(events++, event.get("index").getAsInt());
                streamed.append(event.get("token").getAsString());
            }
        }
        assertNotNull(done, stream.body());
        assertEquals(whole.getAsJsonArray("tokens").size(), events);
        assertEquals(whole.get("text").getAsString(), done.get("text").getAsString());
        assertEquals(done.get("text").getAsString(), streamed.toString());
    }

    @Test
    void metricsCountRequestsInPrometheusText() {
        http.get("/healthz");
        HttpResponse<String> metrics = http.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        assertTrue(text.contains("toxiscope_requests_total{route=\"/healthz\",status=\"200\"}"), text);
        for (String name : List.of("toxiscope_request_seconds_bucket", "toxiscope_batch_texts_bucket",
                "toxiscope_queue_depth", "toxiscope_tokens_per_second")) {
            assertTrue(text.contains(name), name);
        }
    }

    @Test
    void staticFilesComeFromTheJarFolderOnly() {
        HttpResponse<String> probe = http.get("/serve-probe.txt");
        assertEquals(200, probe.statusCode());
        assertEquals("probe for the static route\n", probe.body());
        assertTrue(probe.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        for (String path : List.of("/..%2Fpom.xml", "/%2e%2e/pom.xml")) {
            HttpResponse<String> refused = http.get(path);
            // Jetty refuses an ambiguous path itself (400) before any route sees it
            assertTrue(refused.statusCode() == 400 || refused.statusCode() == 404, path + ": " + refused.statusCode());
            assertFalse(refused.body().contains("<project"), path);
        }
        for (String path : List.of("/.hidden", "/serve-probe.txt.", "/v2/nothing")) {
            HttpResponse<String> missing = http.get(path);
            assertEquals(404, missing.statusCode(), path);
            assertEquals("NOT_FOUND", JsonParser.parseString(missing.body()).getAsJsonObject()
                    .getAsJsonObject("error").get("status").getAsString(), path);
        }
    }

    static String quoted(List<String> texts) {
        JsonArray array = new JsonArray();
        texts.forEach(array::add);
        return array.toString();
    }
}
