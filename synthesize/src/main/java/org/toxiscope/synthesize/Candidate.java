package org.toxiscope.synthesize;

/**
 * One proposed example for a target: its attempt number within the target, the prompt that produced it, the
 * generated completion, the text that is verified and labelled, the token count of {@code text} before which the
 * target may not count as fired (the seed prompt's part; 0 = anywhere), the steering strength (NaN when unsteered),
 * the language where known, and the generator's variant (e.g. a rewrite style).
 */
public record Candidate(int attempt, String prompt, String completion, String text, int firstCountedToken,
                        double alpha, String lang, String style) {
}
