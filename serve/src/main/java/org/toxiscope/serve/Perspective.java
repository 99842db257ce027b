package org.toxiscope.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.toxiscope.classify.ToxicityClassifier.Scores;

/**
 * The Perspective API's {@code comments:analyze} shapes over a bundle: TOXICITY is the primary label, any other
 * attribute the bundle label of its lower-cased name (INSULT: insult); summary (and, with {@code spanAnnotations},
 * per-sentence) scores are the labels' scores clamped to [0, 1], typed PROBABILITY.
 */
final class Perspective {

    static final String PRIMARY = "TOXICITY";

    /**
     * A parsed request: the texts to score (the comment, then its sentences when spans are asked), the sentences'
     * offsets, the attributes and their label indices, each attribute's score threshold (NaN: none), the languages.
     */
    record Request(List<String> texts, List<int[]> spans, Map<String, Integer> attributes,
                   Map<String, Double> thresholds, List<String> languages) {
    }

    private final List<String> labels;

    Perspective(List<String> labels) {
        this.labels = labels;
    }

    /** The attributes this bundle serves: TOXICITY and its further labels upper-cased. */
    List<String> attributes() {
        List<String> out = new ArrayList<>(List.of(PRIMARY));
        labels.subList(1, labels.size()).forEach(l -> out.add(l.toUpperCase(Locale.ROOT)));
        return out;
    }

    Request request(RequestBody body) {
        String text = body.object("comment").string("text");
        if (text.isEmpty()) {
            throw ApiException.badRequest("field 'comment.text' must not be empty");
        }
        RequestBody requested = body.object("requestedAttributes");
        if (requested.keys().isEmpty()) {
            throw ApiException.badRequest("field 'requestedAttributes' must name at least one attribute");
        }
        Map<String, Integer> attributes = new LinkedHashMap<>();
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String name : requested.keys()) {
            int label = name.equals(PRIMARY) ? 0 : labels.subList(1, labels.size()).indexOf(name.toLowerCase(
                    Locale.ROOT)) + 1;
            if (label == 0 && !name.equals(PRIMARY)) {
                throw ApiException.badRequest("requestedAttributes: attribute " + name + " does not exist in this "
                        + "classifier (it serves " + String.join(", ", attributes()) + ")");
            }
            attributes.put(name, label);
            thresholds.put(name, requested.object(name).number("scoreThreshold", Double.NaN));
        }
        body.bool("doNotStore", true); // nothing is ever stored; the field is checked, not needed
        List<String> languages = body.optionalStrings("languages", List.of());
        List<String> texts = new ArrayList<>(List.of(text));
        List<int[]> spans = new ArrayList<>();
        if (body.bool("spanAnnotations", false)) {
            for (int[] span : sentences(text)) {
                spans.add(span);
                texts.add(text.substring(span[0], span[1]));
            }
        }
        return new Request(texts, spans, attributes, thresholds, languages);
    }

    /** The sentences of {@code text} as [begin, end) UTF-16 offsets, trailing whitespace excluded. */
    static List<int[]> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<int[]> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            int stop = end;
            while (stop > start && Character.isWhitespace(text.charAt(stop - 1))) {
                stop--;
            }
            if (stop > start) {
                out.add(new int[] {start, stop});
            }
        }
        return out;
    }

    JsonObject response(Request request, List<Scores> scores) {
        JsonObject attributeScores = new JsonObject();
        for (var e : request.attributes().entrySet()) {
            double summary = clamp(scores.get(0).predictions().get(e.getValue()).score());
            double threshold = request.thresholds().get(e.getKey());
            if (!Double.isNaN(threshold) && summary < threshold) {
                continue;
            }
            JsonObject attribute = new JsonObject();
            if (!request.spans().isEmpty()) {
                JsonArray spans = new JsonArray();
                for (int i = 0; i < request.spans().size(); i++) {
                    JsonObject span = new JsonObject();
                    span.addProperty("begin", request.spans().get(i)[0]);
                    span.addProperty("end", request.spans().get(i)[1]);
                    span.add("score", score(scores.get(i + 1).predictions().get(e.getValue()).score()));
                    spans.add(span);
                }
                attribute.add("spanScores", spans);
            }
            attribute.add("summaryScore", score(summary));
            attributeScores.add(e.getKey(), attribute);
        }
        JsonObject out = new JsonObject();
        out.add("attributeScores", attributeScores);
        JsonArray languages = new JsonArray();
        (request.languages().isEmpty() ? List.of("und") : request.languages()).forEach(languages::add);
        out.add("languages", languages);
        return out;
    }

    private static JsonObject score(double value) {
        JsonObject o = new JsonObject();
        o.addProperty("value", clamp(value));
        o.addProperty("type", "PROBABILITY");
        return o;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
