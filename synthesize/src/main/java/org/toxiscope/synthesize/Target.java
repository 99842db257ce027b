package org.toxiscope.synthesize;

import org.toxiscope.classify.FeatureRef;

/** A feature synthesis should reach: its layer and index, a relevance score (NaN where none) and its origin. */
public record Target(FeatureRef ref, double relevance, String source) {

    public int layer() {
        return ref.layer();
    }

    public int feature() {
        return ref.feature();
    }

    @Override
    public String toString() {
        return ref.toString();
    }
}
