package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.toxiscope.classify.ConfusionMatrix;

/**
 * Renders index.html on the {@link ReportPage} skeleton, with inline SVG charts. Standard sections: summary, per
 * language, ROC/PR, thresholds, calibration, confusion matrices; then the caller's sections; provenance last.
 */
final class ReportHtml {

    private final String title;
    private final JsonObject provenance;
    private final MetricsConfig config;
    private final List<ClassifierEvaluation> classifiers;
    private final List<MultiLabelEvaluation> multiLabel;
    private final List<ReportSection> sections;
    private final StringBuilder sb = new StringBuilder();

    ReportHtml(String title, JsonObject provenance, MetricsConfig config, List<ClassifierEvaluation> classifiers,
               List<MultiLabelEvaluation> multiLabel, List<ReportSection> sections) {
        this.title = title;
        this.provenance = provenance;
        this.config = config;
        this.classifiers = classifiers;
        this.multiLabel = multiLabel;
        this.sections = sections;
    }

    String render() {
        Map<String, String> toc = new LinkedHashMap<>();
        toc.put("summary", "Summary");
        if (!multiLabel.isEmpty()) {
            toc.put("labels", "Per label");
        }
        toc.put("languages", "Per language");
        toc.put("curves", "ROC and precision-recall curves");
        toc.put("thresholds", "Threshold analysis");
        toc.put("calibration", "Calibration");
        toc.put("confusion", "Confusion matrices");
        for (int i = 0; i < sections.size(); i++) {
            toc.put("section-" + (i + 1), sections.get(i).title());
        }
        toc.put("provenance", ReportPage.PROVENANCE);
        sb.append(ReportPage.head(title));
        p("note", classifiers.size() + " classifier(s): " + String.join(", ", names()) + ". Toxic is the positive "
                + "class. n/a = undefined (zero denominator, e.g. no toxic example in a language).");
        sb.append("<nav><ol>");
        toc.forEach((id, name) -> sb.append("<li><a href=\"#").append(id).append("\">").append(Svg.esc(name))
                .append("</a></li>"));
        sb.append("</ol></nav>");
        summary();
        if (!multiLabel.isEmpty()) {
            labels();
        }
        languages();
        curves();
        thresholds();
        calibration();
        confusion();
        for (int i = 0; i < sections.size(); i++) {
            ReportSection s = sections.get(i);
            open("section-" + (i + 1), s.title());
            if (!s.caption().isEmpty()) {
                p("note", s.caption());
            }
            charts(s.charts());
            sb.append("</section>");
        }
        provenance();
        sb.append(ReportPage.END);
        return sb.toString();
    }

    private List<String> names() {
        return classifiers.stream().map(ClassifierEvaluation::name).toList();
    }

    private void summary() {
        open("summary", "Summary");
        summaryHeader("classifier");
        for (ClassifierEvaluation e : classifiers) {
            metricsRow(e.name(), e.overall());
        }
        sb.append("</table>");
        p("note", "F1, precision and recall are for the toxic class at the classifier's own decisions; macro-F1 "
                + "averages the toxic and clean F1. Intervals: percentile bootstrap, " + config.bootstrapResamples()
                + " resamples, seed " + config.seed() + ". Best threshold: the score cut (score >= t is toxic) with "
                + "the highest F1 over every distinct score.");
        sb.append("</section>");
    }

    private void summaryHeader(String firstColumn) {
        sb.append("<table><tr><th class=\"l\">").append(firstColumn).append("</th><th>n</th><th>toxic</th>")
                .append("<th>accuracy</th><th>precision</th><th>recall</th><th>F1 [").append(level()).append(" CI]</th>")
                .append("<th>macro-F1</th><th>AUROC [").append(level()).append(" CI]</th><th>AP</th><th>ECE</th>")
                .append("<th>best threshold</th><th>F1 at best</th></tr>");
    }

    private void metricsRow(String label, BinaryMetrics m) {
        sb.append("<tr><td class=\"l\">").append(Svg.esc(label)).append("</td>");
        td(Long.toString(m.n()));
        td(Long.toString(m.positives()));
        td(fmt(m.accuracy()));
        td(fmt(m.precision()));
        td(fmt(m.recall()));
        td(withCi(m.f1(), m.f1Ci()));
        td(fmt(m.macroF1()));
        td(withCi(m.auroc(), m.aurocCi()));
        td(fmt(m.averagePrecision()));
        td(m.calibration() == null ? "n/a" : fmt(m.calibration().ece()));
        td(m.thresholds() == null ? "n/a" : Svg.label(m.thresholds().best().threshold()));
        td(m.thresholds() == null ? "n/a" : fmt(m.thresholds().best().f1()));
        sb.append("</tr>");
    }

    private void labels() {
        open("labels", "Per label");
        p("note", "Each label's head scored against the gold column of that name; mean AUROC is the mean of the "
                + "column-wise AUROCs (Jigsaw's metric) over the labels where AUROC is defined.");
        for (MultiLabelEvaluation ml : multiLabel) {
            sb.append("<h3>").append(Svg.esc(ml.name())).append("</h3>");
            summaryHeader("label");
            ml.labels().forEach(e -> metricsRow(e.name(), e.overall()));
            sb.append("</table>");
            p("note", "mean AUROC over " + ml.meanAurocLabels().size() + " label(s) ("
                    + String.join(", ", ml.meanAurocLabels()) + "): " + fmt(ml.meanAuroc())
                    + (ml.missingLabels().isEmpty() ? ""
                    : "; not scored, no gold column in the test set: " + String.join(", ", ml.missingLabels())));
            for (ClassifierEvaluation e : ml.labels()) {
                languageTable(ml.name() + ": " + e.name(), e);
            }
        }
        sb.append("</section>");
    }

    private void languages() {
        open("languages", "Per language");
        List<String> categories = new ArrayList<>();
        categories.add(PerLanguageCsv.OVERALL);
        TreeSet<String> langs = new TreeSet<>();
        classifiers.forEach(e -> langs.addAll(e.languages().keySet()));
        categories.addAll(langs);
        BarChart f1 = new BarChart("F1 (toxic) per language, " + level() + " CI", "F1", categories).yRange(0, 1);
        BarChart auroc = new BarChart("AUROC per language, " + level() + " CI", "AUROC", categories).yRange(0, 1);
        for (ClassifierEvaluation e : classifiers) {
            addBars(f1, e, categories, BinaryMetrics::f1, BinaryMetrics::f1Ci);
            addBars(auroc, e, categories, BinaryMetrics::auroc, BinaryMetrics::aurocCi);
        }
        charts(List.of(f1, auroc));
        for (ClassifierEvaluation e : classifiers) {
            languageTable(e.name(), e);
        }
        sb.append("</section>");
    }

    private void languageTable(String heading, ClassifierEvaluation e) {
        sb.append("<h3>").append(Svg.esc(heading)).append("</h3>");
        sb.append("<table><tr><th class=\"l\">language</th><th>n</th><th>toxic</th><th>accuracy</th>")
                .append("<th>precision</th><th>recall</th><th>F1 [CI]</th><th>macro-F1</th><th>AUROC [CI]</th>")
                .append("<th>AP</th><th>ECE</th><th>best threshold</th><th>F1 at best</th></tr>");
        metricsRow(PerLanguageCsv.OVERALL, e.overall());
        e.languages().forEach(this::metricsRow);
        sb.append("</table>");
    }

    private static void addBars(BarChart chart, ClassifierEvaluation e, List<String> categories,
                                Function<BinaryMetrics, Double> metric, Function<BinaryMetrics, Interval> ci) {
        int n = categories.size();
        double[] v = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            BinaryMetrics m = i == 0 ? e.overall() : e.languages().get(categories.get(i));
            Double value = m == null ? null : metric.apply(m);
            Interval interval = m == null ? null : ci.apply(m);
            v[i] = value == null ? Double.NaN : value;
            lo[i] = interval == null ? Double.NaN : interval.low();
            hi[i] = interval == null ? Double.NaN : interval.high();
        }
        chart.series(e.name(), v, lo, hi);
    }

    private void curves() {
        open("curves", "ROC and precision-recall curves");
        LineChart roc = new LineChart("ROC (all languages)", "false positive rate", "true positive rate")
                .xRange(0, 1).yRange(0, 1).diagonal();
        LineChart pr = new LineChart("Precision-recall (all languages)", "recall", "precision")
                .xRange(0, 1).yRange(0, 1);
        List<String> missing = new ArrayList<>();
        for (ClassifierEvaluation e : classifiers) {
            BinaryMetrics m = e.overall();
            if (m.roc() == null) {
                missing.add(e.name());
                continue;
            }
            roc.series(e.name() + " (AUROC " + fmt(m.auroc()) + ")", prepend(0, m.roc().x()), prepend(0, m.roc().y()));
            pr.series(e.name() + " (AP " + fmt(m.averagePrecision()) + ")", m.pr().x(), m.pr().y());
        }
        charts(List.of(roc, pr));
        if (!missing.isEmpty()) {
            p("note", "No curve for " + String.join(", ", missing) + ": the data lack one of the classes.");
        }
        sb.append("</section>");
    }

    private void thresholds() {
        open("thresholds", "Threshold analysis");
        List<Chart> charts = new ArrayList<>();
        for (ClassifierEvaluation e : classifiers) {
            ThresholdAnalysis t = e.overall().thresholds();
            if (t == null) {
                continue;
            }
            int n = t.curve().size();
            double[] x = new double[n];
            double[] precision = new double[n];
            double[] recall = new double[n];
            double[] f1 = new double[n];
            for (int i = 0; i < n; i++) {
                ThresholdPoint p = t.curve().get(i);
                x[i] = p.threshold();
                precision[i] = p.precision();
                recall[i] = p.recall();
                f1[i] = p.f1();
            }
            charts.add(new LineChart("Threshold analysis: " + e.name(), "threshold (score >= t is toxic)", "value")
                    .yRange(0, 1).series("F1", x, f1).series("precision", x, precision).series("recall", x, recall)
                    .marker("best F1 " + fmt(t.best().f1()) + " at " + Svg.label(t.best().threshold()),
                            t.best().threshold(), t.best().f1(), LineChart.Shape.STAR));
        }
        charts(charts);
        sb.append("<table><tr><th class=\"l\">classifier</th><th class=\"l\">language</th><th>best threshold</th>")
                .append("<th>F1</th><th>precision</th><th>recall</th><th>distinct scores</th></tr>");
        for (ClassifierEvaluation e : classifiers) {
            thresholdRow(e.name(), PerLanguageCsv.OVERALL, e.overall().thresholds());
            e.languages().forEach((lang, m) -> thresholdRow(e.name(), lang, m.thresholds()));
        }
        sb.append("</table>");
        sb.append("</section>");
    }

    private void thresholdRow(String classifier, String lang, ThresholdAnalysis t) {
        sb.append("<tr><td class=\"l\">").append(Svg.esc(classifier)).append("</td><td class=\"l\">")
                .append(Svg.esc(lang)).append("</td>");
        if (t == null) {
            sb.append("<td colspan=\"5\">n/a (no toxic example)</td></tr>");
            return;
        }
        td(Svg.label(t.best().threshold()));
        td(fmt(t.best().f1()));
        td(fmt(t.best().precision()));
        td(fmt(t.best().recall()));
        td(Integer.toString(t.distinctThresholds()));
        sb.append("</tr>");
    }

    private void calibration() {
        open("calibration", "Calibration");
        LineChart chart = new LineChart("Reliability diagram (all languages)", "mean predicted score",
                "observed toxic rate").xRange(0, 1).yRange(0, 1).diagonal();
        List<String> skipped = new ArrayList<>();
        for (ClassifierEvaluation e : classifiers) {
            Calibration c = e.overall().calibration();
            if (c == null) {
                skipped.add(e.name());
                continue;
            }
            List<ReliabilityBin> bins = c.bins().stream().filter(b -> b.count() > 0).toList();
            double[] x = bins.stream().mapToDouble(ReliabilityBin::meanScore).toArray();
            double[] y = bins.stream().mapToDouble(ReliabilityBin::observedRate).toArray();
            chart.series(e.name() + " (ECE " + fmt(c.ece()) + ")", x, y);
        }
        if (chart.seriesCount() > 0) {
            charts(List.of(chart));
        }
        p("note", config.calibrationBins() + " equal-width score bins over [0,1]; ECE = sum over bins of "
                + "(bin share) x |observed rate - mean score|."
                + (skipped.isEmpty() ? "" : " Not applicable to " + String.join(", ", skipped)
                + ": their scores are not probabilities (outside [0,1])."));
        sb.append("</section>");
    }

    private void confusion() {
        open("confusion", "Confusion matrices");
        List<Chart> charts = new ArrayList<>();
        for (ClassifierEvaluation e : classifiers) {
            ConfusionMatrix c = e.overall().confusion();
            charts.add(new Heatmap("Confusion: " + e.name(), "gold", "predicted", List.of("toxic", "clean"),
                    List.of("toxic", "clean"), new double[][] {{c.tp(), c.fn()}, {c.fp(), c.tn()}}).decimals(0));
        }
        charts(charts);
        sb.append("</section>");
    }

    private void provenance() {
        JsonObject settings = new JsonObject();
        settings.addProperty("bootstrap_resamples", config.bootstrapResamples());
        settings.addProperty("seed", config.seed());
        settings.addProperty("confidence", config.confidence());
        settings.addProperty("calibration_bins", config.calibrationBins());
        sb.append(ReportPage.provenance(provenance, settings));
    }

    private void open(String id, String heading) {
        sb.append(ReportPage.section(id, heading));
    }

    private void charts(List<? extends Chart> charts) {
        sb.append("<div class=\"charts\">");
        charts.forEach(c -> sb.append(c.toSvg()));
        sb.append("</div>");
    }

    private void p(String cssClass, String text) {
        sb.append("<p class=\"").append(cssClass).append("\">").append(Svg.esc(text)).append("</p>");
    }

    private void td(String text) {
        sb.append("<td>").append(Svg.esc(text)).append("</td>");
    }

    private String level() {
        return Svg.label(config.confidence() * 100) + "%";
    }

    private static String withCi(Double value, Interval ci) {
        return ci == null ? fmt(value) : fmt(value) + " [" + fmt(ci.low()) + ", " + fmt(ci.high()) + "]";
    }

    static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double[] prepend(double first, double[] rest) {
        double[] out = new double[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
