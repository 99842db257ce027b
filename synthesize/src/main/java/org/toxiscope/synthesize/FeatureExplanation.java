package org.toxiscope.synthesize;

import java.util.List;
import java.util.stream.Collectors;
import org.toxiscope.features.lens.LinearityStats;

/**
 * What a feature means, for prompting and for people: its token signature (the tokens the logit lens scores highest
 * for its decoder direction), its top-activating contexts in a corpus (firing token marked {@code [[...]]}) and, when
 * asked, its Query Lens reading ({@code null} otherwise).
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
    public record Context(String id, String snippet, float activation, List<TokenActivation> tokens) {
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

    /** One line: the signature tokens, the Query Lens key and value tops when read, then the best context if any. */
    public String summary() {
        return "tokens: " + quoted(tokens) + (queryLens == null ? "" : "; query lens key: "
                + quoted(queryLens.key().top()) + "; query lens value: " + quoted(queryLens.value().top()))
                + (contexts.isEmpty() ? "" : "; context: " + contexts.get(0).snippet());
    }

    private static String quoted(List<TokenScore> list) {
        return list.stream().map(t -> "'" + t.token().strip() + "'").collect(Collectors.joining(" "));
    }
}
