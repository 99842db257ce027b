package org.toxiscope.eval;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The metrics of one named classifier on one test set: overall and per language (sorted by language key; a language
 * asked for but absent from the data is present with n = 0 and null metrics).
 */
public record ClassifierEvaluation(String name, BinaryMetrics overall, Map<String, BinaryMetrics> languages) {

    /** Evaluates overall and for every language in the data plus the extra ones given (may be empty). */
    public static ClassifierEvaluation evaluate(String name, Predictions predictions, Collection<String> extraLanguages,
                                                MetricsConfig config) {
        SortedSet<String> langs = new TreeSet<>(predictions.languages());
        langs.addAll(extraLanguages);
        Map<String, BinaryMetrics> byLang = new LinkedHashMap<>();
        for (String lang : langs) {
            byLang.put(lang, Metrics.compute(predictions.forLanguage(lang), config));
        }
        return new ClassifierEvaluation(name, Metrics.compute(predictions, config), byLang);
    }
}
