package org.toxiscope.features.extract;

/** The SAE's kept features at each token of a text: per token, k indices with their values, value descending. */
public record TokenCodes(int[][] indices, float[][] values) {
}
