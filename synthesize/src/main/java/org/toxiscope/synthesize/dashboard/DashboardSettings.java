package org.toxiscope.synthesize.dashboard;

import java.util.List;

/**
 * What a dashboard shows: top contexts and lens tokens per list, the texts the Query Lens reads (0: every text of the
 * corpus), the steering previews' prefixes, strengths and new tokens, and the histogram's bins.
 */
public record DashboardSettings(int contexts, int tokens, long lensTexts, List<String> prefixes, double[] alphas,
                                int previewTokens, int bins) {

    public DashboardSettings {
        if (contexts < 0 || tokens < 1 || lensTexts < 0 || previewTokens < 1 || bins < 1) {
            throw new IllegalArgumentException("--contexts must be >= 0, --tokens, --preview-tokens and the bins >= 1, "
                    + "--lens-texts >= 0");
        }
        if (prefixes.isEmpty() || prefixes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("--prefix: give at least one non-empty prefix");
        }
        for (double a : alphas) {
            if (!Double.isFinite(a)) {
                throw new IllegalArgumentException("--alpha " + a + " is not a finite number");
            }
        }
        prefixes = List.copyOf(prefixes);
        alphas = alphas.clone();
    }
}
