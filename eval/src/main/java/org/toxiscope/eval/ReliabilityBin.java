package org.toxiscope.eval;

/**
 * One equal-width score bin [lower, upper) of a reliability diagram (the last bin includes 1.0): how many examples
 * fall in it, their mean score and the observed share of toxic ones (both null for an empty bin).
 */
public record ReliabilityBin(double lower, double upper, long count, Double meanScore, Double observedRate) {
}
