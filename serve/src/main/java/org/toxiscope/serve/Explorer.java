package org.toxiscope.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.extract.TokenCodes;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;
import org.toxiscope.features.sae.FeatureSteer;
import org.toxiscope.synthesize.FeatureExplainer;
import org.toxiscope.synthesize.FeatureExplanation;
import org.toxiscope.synthesize.Target;

/**
 * The feature explorer's routes on the classifier's session (its layers and SAEs only): a text's per-token and
 * pooled features, features' logit-lens tokens, steered generation (streamed as server-sent events), and the
 * features whose firing rates differ most between two lists of texts.
 */
final class Explorer {

    private static final int LENS_TOKENS = 5;

    private final ToxicityClassifier classifier;
    private final Limits limits;
    private final List<Integer> layers;

    Explorer(ToxicityClassifier classifier, Limits limits) {
        this.classifier = classifier;
        this.limits = limits;
        this.layers = Arrays.stream(classifier.bundle().layers()).boxed().toList();
    }

    private int layer(int layer, String field) {
        if (!layers.contains(layer)) {
            throw ApiException.badRequest("field '" + field + "': layer " + layer + " has no SAE here (the "
                    + "bundle's layers: " + layers + ")");
        }
        return layer;
    }

    private static void feature(FeatureSession s, int layer, int feature, String field) throws IOException {
        int width = s.sae(layer).dSae();
        if (feature < 0 || feature >= width) {
            throw ApiException.badRequest("field '" + field + "': feature " + feature + " is outside the SAE's 0.."
                    + (width - 1) + " at layer " + layer);
        }
    }

    /** {@code {"text", "layers"?, "k"?}}: token strings, and per layer each token's top-k and the pooled vector. */
    JsonObject features(RequestBody body) throws IOException {
        String text = body.string("text");
        List<Integer> asked = body.ints("layers", layers);
        for (int i = 0; i < asked.size(); i++) {
            layer(asked.get(i), "layers[" + i + "]");
        }
        int k = body.integer("k", 8, 1, 256);
        return classifier.withSession(s -> {
            TextFeatures f = s.extract(List.of(text), true)[0];
            JsonObject out = new JsonObject();
            out.add("tokens", tokens(s.tokenizer(), f.tokenIds()));
            JsonArray byLayer = new JsonArray();
            for (int layer : asked) {
                JsonObject o = new JsonObject();
                o.addProperty("layer", layer);
                TokenCodes codes = f.tokens().get(layer);
                JsonArray perToken = new JsonArray();
                for (int t = 0; t < codes.indices().length; t++) {
                    perToken.add(ranked(codes.indices()[t], codes.values()[t], k));
                }
                o.add("per_token", perToken);
                SparseVector pooled = f.pooled().get(layer);
                o.add("pooled", ranked(pooled.indices(), pooled.values(), pooled.size()));
                byLayer.add(o);
            }
            out.add("layers", byLayer);
            return out;
        });
    }

    private static JsonArray tokens(QwenTokenizer tokenizer, int[] ids) {
        JsonArray out = new JsonArray();
        for (int id : ids) {
            out.add(tokenizer.token(id));
        }
        return out;
    }

    /** The {@code k} largest of a sparse code as {@code [{"id","value"}]}, largest first, lower id first on ties. */
    private static JsonArray ranked(int[] ids, float[] values, int k) {
        Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> ids[i]));
        JsonArray out = new JsonArray();
        for (int j = 0; j < Math.min(k, order.length); j++) {
            JsonObject o = new JsonObject();
            o.addProperty("id", ids[order[j]]);
            o.addProperty("value", values[order[j]]);
            out.add(o);
        }
        return out;
    }

    /** {@code {"layer", "features":[..], "tokens"?}}: each feature's logit-lens tokens. */
    JsonObject explain(RequestBody body) throws IOException {
        int layer = layer(body.integer("layer"), "layer");
        List<Integer> features = body.ints("features", null);
        if (features == null) {
            throw ApiException.badRequest("missing field 'features'");
        }
        if (features.size() > limits.maxTexts()) {
            throw ApiException.tooLarge("field 'features' has " + features.size() + " entries; the limit is "
                    + limits.maxTexts());
        }
        int tokens = body.integer("tokens", 10, 1, 100);
        return classifier.withSession(s -> {
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                feature(s, layer, features.get(i), "features[" + i + "]");
                targets.add(new Target(new FeatureRef(layer, features.get(i)), Double.NaN, "serve"));
            }
            JsonArray out = new JsonArray();
            for (FeatureExplanation e : new FeatureExplainer(s, targets, 0).explain(tokens)) {
                out.add(lens(e));
            }
            JsonObject o = new JsonObject();
            o.add("features", out);
            return o;
        });
    }

    private static JsonObject lens(FeatureExplanation e) {
        JsonObject o = new JsonObject();
        o.addProperty("layer", e.layer());
        o.addProperty("feature", e.feature());
        JsonArray tokens = new JsonArray();
        e.tokens().forEach(t -> tokens.add(t.token()));
        o.add("logit_lens", tokens);
        return o;
    }

    /**
     * {@code {"a":[..], "b":[..], "layer"?, "top"?}}: features ranked by |rate_a - rate_b| (largest first, lower
     * feature first on ties), where a rate is the share of a list's texts whose pooled activation is above 0.
     */
    JsonObject compare(RequestBody body) throws IOException {
        List<String> a = body.strings("a", limits.maxTexts());
        List<String> b = body.strings("b", limits.maxTexts());
        int layer = layer(body.integer("layer", layers.get(0)), "layer");
        int top = body.integer("top", 20, 1, 1000);
        return classifier.withSession(s -> {
            double[] rateA = rates(s.pooled(a), layer);
            double[] rateB = rates(s.pooled(b), layer);
            Map<Integer, double[]> rates = new TreeMap<>();
            collect(rates, rateA, 0);
            collect(rates, rateB, 1);
            List<Map.Entry<Integer, double[]>> ranked = new ArrayList<>(rates.entrySet());
            ranked.sort(Comparator.comparingDouble((Map.Entry<Integer, double[]> e) ->
                    -Math.abs(e.getValue()[0] - e.getValue()[1])).thenComparing(Map.Entry::getKey));
            ranked = ranked.subList(0, Math.min(top, ranked.size()));
            List<Target> targets = ranked.stream().map(e -> new Target(new FeatureRef(layer, e.getKey()), Double.NaN,
                    "serve")).toList();
            List<FeatureExplanation> lens = new FeatureExplainer(s, targets, 0).explain(LENS_TOKENS);
            JsonArray features = new JsonArray();
            for (int i = 0; i < ranked.size(); i++) {
                double[] r = ranked.get(i).getValue();
                JsonObject o = new JsonObject();
                o.addProperty("feature", ranked.get(i).getKey());
                o.addProperty("rate_a", r[0]);
                o.addProperty("rate_b", r[1]);
                o.addProperty("difference", r[0] - r[1]);
                o.add("logit_lens", lens(lens.get(i)).get("logit_lens"));
                features.add(o);
            }
            JsonObject out = new JsonObject();
            out.addProperty("layer", layer);
            out.add("features", features);
            return out;
        });
    }

    /** Per feature id (index), the share of texts whose pooled activation at {@code layer} is above 0; sparse. */
    private static double[] rates(List<Map<Integer, SparseVector>> pooled, int layer) {
        Map<Integer, Integer> firing = new TreeMap<>();
        for (Map<Integer, SparseVector> text : pooled) {
            SparseVector v = text.get(layer);
            for (int i = 0; i < v.size(); i++) {
                if (v.values()[i] > 0) {
                    firing.merge(v.indices()[i], 1, Integer::sum);
                }
            }
        }
        int width = firing.isEmpty() ? 0 : ((TreeMap<Integer, Integer>) firing).lastKey() + 1;
        double[] out = new double[width];
        firing.forEach((f, n) -> out[f] = n / (double) pooled.size());
        return out;
    }

    private static void collect(Map<Integer, double[]> rates, double[] rate, int side) {
        for (int f = 0; f < rate.length; f++) {
            if (rate[f] > 0) {
                rates.computeIfAbsent(f, x -> new double[2])[side] = rate[f];
            }
        }
    }

    /**
     * {@code {"prompt", "max_tokens"?, "steer"?:[{"layer","feature","alpha"}], "temperature"?, "seed"?,
     * "stream"?}}: the continuation, streamed as {@code data: {"token","id","index"}} events then {@code data:
     * {"done":true,"text"}}, or with {@code "stream":false} one {@code {"text","tokens"}} object. A request is
     * checked whole before the first event, so an error then is an ordinary error response.
     */
    void generate(RequestBody body, Context ctx) throws IOException {
        String prompt = body.string("prompt");
        int maxTokens = body.integer("max_tokens", 32, 1, limits.maxNewTokens());
        double temperature = body.number("temperature", 0);
        if (temperature < 0) {
            throw ApiException.badRequest("field 'temperature' must be >= 0 (0: greedy), not " + temperature);
        }
        long seed = body.longValue("seed", 0);
        boolean stream = body.bool("stream", true);
        Map<Integer, List<FeatureSteer>> terms = new LinkedHashMap<>();
        List<RequestBody> steer = body.objects("steer");
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < steer.size(); i++) {
            RequestBody t = steer.get(i);
            int layer = layer(t.integer("layer"), "steer[" + i + "].layer");
            int feature = t.integer("feature");
            float alpha = (float) t.number("alpha");
            terms.computeIfAbsent(layer, x -> new ArrayList<>()).add(new FeatureSteer(feature, alpha));
            fields.add("steer[" + i + "].feature");
        }
        Sampling sampling = temperature == 0 ? Sampling.GREEDY : new Sampling(false, temperature, 0, 1.0, seed);
        classifier.withSession(s -> {
            int[] ids = s.tokenizer().encode(prompt);
            if (ids.length == 0) {
                throw ApiException.badRequest("field 'prompt' must not be empty: the model needs a token to continue");
            }
            int[][] prompts = {ids};
            Generator.checkLength(s.model().config(), prompts, maxTokens, "field 'max_tokens'");
            int at = 0;
            Map<Integer, float[]> add = new TreeMap<>();
            for (var e : terms.entrySet()) {
                for (FeatureSteer t : e.getValue()) {
                    feature(s, e.getKey(), t.feature(), fields.get(at++));
                }
                add.put(e.getKey(), FeatureSteer.vector(s.sae(e.getKey()), e.getValue(), false));
            }
            Steering steering = add.isEmpty() ? Steering.NONE : new Steering(add, 0);
            Generator generator = new Generator(s.model());
            if (!stream) {
                int[] out = generator.generate(s.manager(), prompts, maxTokens, sampling, steering, true)[0];
                JsonObject o = new JsonObject();
                o.addProperty("text", s.tokenizer().decode(out));
                o.add("tokens", tokens(s.tokenizer(), out));
                ScoreServer.json(ctx, o);
                return null;
            }
            stream(s, generator, prompts, maxTokens, sampling, steering, ctx);
            return null;
        });
    }

    private static void stream(FeatureSession s, Generator generator, int[][] prompts, int maxTokens,
                               Sampling sampling, Steering steering, Context ctx) throws IOException {
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        List<Integer> ids = new ArrayList<>();
        int[] emitted = {0};
        int[][] generated;
        try {
            generated = generator.generate(s.manager(), prompts, maxTokens, sampling, steering, true,
                    (row, index, token) -> {
                        ids.add(token);
                        // a token may end inside a character: its text waits until the character is whole
                        String text = s.tokenizer().decode(ids.stream().mapToInt(Integer::intValue).toArray());
                        String delta = "";
                        if (!text.endsWith("\uFFFD") && text.length() >= emitted[0]) {
                            delta = text.substring(emitted[0]);
                            emitted[0] = text.length();
                        }
                        JsonObject event = new JsonObject();
                        event.addProperty("token", delta);
                        event.addProperty("id", token);
                        event.addProperty("index", index);
                        send(out, event);
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the client went away
        }
        JsonObject done = new JsonObject();
        done.addProperty("done", true);
        done.addProperty("text", s.tokenizer().decode(generated[0]));
        send(out, done);
    }

    private static void send(OutputStream out, JsonObject event) {
        try {
            out.write(("data: " + ScoreServer.GSON.toJson(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
