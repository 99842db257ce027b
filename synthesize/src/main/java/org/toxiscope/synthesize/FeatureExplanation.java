package org.toxiscope.synthesize;

import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import com.google.gson.annotations.JsonAdapter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.stream.Collectors;
import org.toxiscope.features.lens.LinearityStats;

/**
 * What a feature means, for prompting and for people: its token signature (the tokens the logit lens scores highest
 * for its decoder direction), its top-activating contexts in a corpus (each a snippet around its firing token) and,
 * when asked, its Query Lens reading ({@code null} otherwise).
 */
public record FeatureExplanation(int layer, int feature, List<TokenScore> tokens, List<Context> contexts,
                                 QueryLensReading queryLens) {

    /** One vocabulary entry of the signature with its logit-lens score. */
    public record TokenScore(int id, String token, float score) {
    }

    /**
     * One top-activating context: the record id, a snippet around the firing token, the pooled activation and, when
     * the corpus pass carried every token's codes, the window's tokens with the feature's activation at each
     * ({@code null} otherwise).
     */
    public record Context(String id, Snippet snippet, float activation, List<TokenActivation> tokens) {
    }

    /**
     * A window of text around the firing token, cut at character boundaries: the text before it (from "..." when the
     * window starts inside the text), the token (empty when no firing position is known) and the text after it (to
     * "..." when the window ends inside the text). In JSON it is its {@link #text} form.
     */
    @JsonAdapter(Snippet.AsText.class)
    public record Snippet(String before, String token, String after) {

        /** The snippet as one string, the token marked {@code [[...]]} (for prompts, the terminal and JSON). */
        public String text() {
            return token.isEmpty() ? before + after : before + "[[" + token + "]]" + after;
        }

        /** Writes a snippet as its text, the JSON form readers of explanations have always seen. */
        static final class AsText implements JsonSerializer<Snippet> {
            @Override
            public JsonPrimitive serialize(Snippet s, Type type, JsonSerializationContext context) {
                return new JsonPrimitive(s.text());
            }
        }
    }

    /** One token of a context window: its text as decoded in place, the feature's activation there (0: not kept). */
    public record TokenActivation(String text, float activation) {
    }

    /** One side of a lens: its highest-scoring tokens (descending) and its lowest-scoring ones (ascending). */
    public record Ranked(List<TokenScore> top, List<TokenScore> bottom) {
    }

    /** Each side's linearity statistics (the reference code's EV_mu, rel_var and their sums). */
    public record LensStats(LinearityStats value, LinearityStats key) {
    }

    /**
     * The Query Lens reading over {@code positions} corpus token positions: what the feature promotes (value), what
     * activates it (key), and the paper's logit-lens baseline with the final norm.
     */
    public record QueryLensReading(Ranked value, Ranked key, long positions, LensStats stats, Ranked logitLens) {
    }

    /** This explanation with {@code reading} as its Query Lens part. */
    public FeatureExplanation withQueryLens(QueryLensReading reading) {
        return new FeatureExplanation(layer, feature, tokens, contexts, reading);
    }

    /** One line: {@link #signatureSummary}, then the best context's {@link Snippet#text} if any. */
    public String summary() {
        return signatureSummary() + (contexts.isEmpty() ? "" : "; context: " + contexts.get(0).snippet().text());
    }

    /** One line: the signature tokens, then the Query Lens key and value tops when read. */
    public String signatureSummary() {
        return "tokens: " + quoted(tokens) + (queryLens == null ? "" : "; query lens key: "
                + quoted(queryLens.key().top()) + "; query lens value: " + quoted(queryLens.value().top()));
    }

    private static String quoted(List<TokenScore> list) {
        return list.stream().map(t -> "'" + t.token().strip() + "'").collect(Collectors.joining(" "));
    }
}
