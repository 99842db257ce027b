package org.toxiscope.classify;

import java.util.Map;
import java.util.TreeMap;

/** Decision thresholds of one label: a global one and optional per-language overrides ({@code score >= t} is positive). */
public record Thresholds(double global, Map<String, Double> perLanguage) {

    public Thresholds {
        perLanguage = perLanguage == null ? Map.of() : new TreeMap<>(perLanguage);
    }

    public static Thresholds global(double t) {
        return new Thresholds(t, Map.of());
    }

    /** The threshold for a language (null or unknown languages get the global one). */
    public double of(String lang) {
        return lang == null ? global : perLanguage.getOrDefault(lang, global);
    }
}
