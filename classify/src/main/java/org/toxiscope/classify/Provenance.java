package org.toxiscope.classify;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /**
     * The languages of the training data, from {@link #counts} (every label column's), without the "unknown" of rows
     * that had none: empty when the data named no language.
     */
    public Set<String> languages() {
        Set<String> out = new TreeSet<>();
        counts.values().forEach(byLang -> out.addAll(byLang.keySet()));
        out.remove(FeatureTable.UNKNOWN_LANGUAGE);
        return out;
    }
}
