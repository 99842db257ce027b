package org.toxiscope.eval;

import java.util.List;
import java.util.Map;
import org.toxiscope.classify.ConfusionMatrix;

/**
 * per_language.csv: one row per classifier and language, the classifier's overall row first with language
 * {@value #OVERALL}. Columns: classifier, language, n, positives, negatives, tp, fp, tn, fn, accuracy, precision,
 * recall, f1, f1_ci_low, f1_ci_high, f1_clean, macro_f1, auroc, auroc_ci_low, auroc_ci_high, average_precision,
 * ece, best_threshold, best_threshold_f1. An undefined metric is an empty cell. RFC 4180 quoting.
 */
final class PerLanguageCsv {

    static final String OVERALL = "overall";
    static final String HEADER = "classifier,language,n,positives,negatives,tp,fp,tn,fn,accuracy,precision,recall,f1,"
            + "f1_ci_low,f1_ci_high,f1_clean,macro_f1,auroc,auroc_ci_low,auroc_ci_high,average_precision,ece,"
            + "best_threshold,best_threshold_f1";

    private PerLanguageCsv() {
    }

    static String render(List<ClassifierEvaluation> evaluations) {
        StringBuilder sb = new StringBuilder(HEADER).append("\r\n");
        for (ClassifierEvaluation e : evaluations) {
            row(sb, e.name(), OVERALL, e.overall());
            for (Map.Entry<String, BinaryMetrics> lang : e.languages().entrySet()) {
                row(sb, e.name(), lang.getKey(), lang.getValue());
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String classifier, String language, BinaryMetrics m) {
        ConfusionMatrix c = m.confusion();
        Object[] cells = {
            classifier, language, m.n(), m.positives(), m.negatives(), c.tp(), c.fp(), c.tn(), c.fn(),
            m.accuracy(), m.precision(), m.recall(), m.f1(),
            m.f1Ci() == null ? null : m.f1Ci().low(), m.f1Ci() == null ? null : m.f1Ci().high(),
            m.f1Clean(), m.macroF1(), m.auroc(),
            m.aurocCi() == null ? null : m.aurocCi().low(), m.aurocCi() == null ? null : m.aurocCi().high(),
            m.averagePrecision(), m.calibration() == null ? null : m.calibration().ece(),
            m.thresholds() == null ? null : m.thresholds().best().threshold(),
            m.thresholds() == null ? null : m.thresholds().best().f1(),
        };
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells[i]));
        }
        sb.append("\r\n");
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
