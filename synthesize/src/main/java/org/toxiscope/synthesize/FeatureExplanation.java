package org.toxiscope.synthesize;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a feature means, for prompting and for people: its token signature (the tokens the logit lens scores highest
 * for its decoder direction) and its top-activating contexts in a corpus (firing token marked {@code [[...]]}).
 */
public record FeatureExplanation(int layer, int feature, List<TokenScore> tokens, List<Context> contexts) {

    /** One vocabulary entry of the signature with its logit-lens score. */
    public record TokenScore(int id, String token, float score) {
    }

    /** One top-activating context: the record id, a snippet around the firing token, the pooled activation. */
    public record Context(String id, String snippet, float activation) {
    }

    /** One line: the signature tokens, then the best context when there is one. */
    public String summary() {
        String sig = tokens.stream().map(t -> "'" + t.token().strip() + "'").collect(Collectors.joining(" "));
        return "tokens: " + sig + (contexts.isEmpty() ? "" : "; context: " + contexts.get(0).snippet());
    }
}
