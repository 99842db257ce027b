package org.toxiscope.synthesize;

/**
 * The verification of one candidate: the target's max-pooled activation and its token position in the re-encoded
 * text, whether it counts as firing ({@code h[i,f] = 1} on a counted token), and the classifier's score and label
 * ({@code harmful} or {@code benign}).
 */
public record Verdict(float activation, int position, boolean fires, double score, String label) {
}
