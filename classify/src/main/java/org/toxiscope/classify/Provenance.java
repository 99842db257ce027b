package org.toxiscope.classify;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a classifier came from: its feature extraction, the training data (sha256, and counts per label column,
 * language and class), the discovery fraction and seed, the method settings, the toxiscope version and the
 * creation time (ISO-8601).
 */
public record Provenance(ExtractionProvenance extraction, String dataSha256,
                         Map<String, Map<String, Map<String, Integer>>> counts, double discoveryFraction, long seed,
                         Map<String, String> settings, String toxiscopeVersion, String created) {

    public Provenance {
        counts = counts == null ? Map.of() : new TreeMap<>(counts);
        settings = settings == null ? Map.of() : new TreeMap<>(settings);
    }
}
