package org.toxiscope.features.extract;

import java.util.Map;
import org.toxiscope.features.SparseVector;

/**
 * The SAE features of one text: its token ids (after any --max-tokens truncation), whether it was truncated, and per
 * layer the pooled sparse vector (positions = the token of each pooled max) and, when asked, the per-token codes.
 */
public record TextFeatures(int[] tokenIds, boolean truncated, Map<Integer, SparseVector> pooled,
                           Map<Integer, TokenCodes> tokens) {
}
