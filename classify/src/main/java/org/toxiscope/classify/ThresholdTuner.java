package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Chooses decision thresholds that maximise F1 on validation scores, globally or per language. */
public final class ThresholdTuner {

    /** Languages with fewer validation rows than this keep the global threshold. */
    public static final int DEFAULT_MIN_ROWS = 30;

    private ThresholdTuner() {
    }

    /**
     * The threshold maximising F1 of {@code score >= t} (midway between adjacent distinct scores; ties go to the
     * higher threshold); {@code fallback} when the rows hold one class only.
     */
    public static double bestF1(double[] scores, boolean[] truth, double fallback) {
        int n = scores.length;
        int positives = 0;
        for (boolean t : truth) {
            if (t) {
                positives++;
            }
        }
        if (positives == 0 || positives == n) {
            return fallback;
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double bestF1 = -1;
        double best = fallback;
        int tp = 0;
        for (int i = 0; i < n; i++) {
            if (truth[order[i]]) {
                tp++;
            }
            double s = scores[order[i]];
            boolean lastOfValue = i == n - 1 || scores[order[i + 1]] < s;
            if (lastOfValue) {
                double f1 = 2.0 * tp / (i + 1 + positives);
                if (f1 > bestF1) {
                    bestF1 = f1;
                    best = i == n - 1 ? s : (s + scores[order[i + 1]]) / 2;
                }
            }
        }
        return best;
    }

    /**
     * Per-language F1-maximising thresholds over the given validation rows; a language with one class or fewer
     * than {@code minRows} rows keeps {@code global}.
     */
    public static Thresholds perLanguage(double[] scores, boolean[] truth, String[] langs, double global, int minRows) {
        Map<String, List<Integer>> rowsByLang = new LinkedHashMap<>();
        for (int i = 0; i < langs.length; i++) {
            if (langs[i] != null) {
                rowsByLang.computeIfAbsent(langs[i], l -> new ArrayList<>()).add(i);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        rowsByLang.forEach((lang, rows) -> {
            if (rows.size() >= minRows) {
                double[] s = rows.stream().mapToDouble(i -> scores[i]).toArray();
                boolean[] t = new boolean[rows.size()];
                for (int j = 0; j < t.length; j++) {
                    t[j] = truth[rows.get(j)];
                }
                double th = bestF1(s, t, global);
                if (th != global) {
                    out.put(lang, th);
                }
            }
        });
        return new Thresholds(global, out);
    }
}
