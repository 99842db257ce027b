package org.toxiscope.eval;

import java.util.List;
import java.util.Map;

/** Builders for the report's own figures from plain numbers; each returns a chart for {@link EvalReport#addSection}. */
public final class Figures {

    private Figures() {
    }

    /**
     * Layer-wise held-out F1 (report Fig. 8/10): one series per K (e.g. "K=1" to values per layer, NaN where not run),
     * each series' best layer starred (one legend entry for all stars, the layer in each star's tooltip), and a dashed
     * line at the layer the top1-diff heuristic chose (negative: none); the layer axis ticks at whole layers.
     */
    public static LineChart layerF1(String title, int[] layers, Map<String, double[]> f1BySeries, int top1DiffLayer) {
        double[] x = new double[layers.length];
        for (int i = 0; i < layers.length; i++) {
            x[i] = layers[i];
        }
        LineChart chart = new LineChart(title, "layer", "held-out F1").yRange(0, 1).integerX();
        for (Map.Entry<String, double[]> e : f1BySeries.entrySet()) {
            chart.series(e.getKey(), x, e.getValue());
        }
        for (Map.Entry<String, double[]> e : f1BySeries.entrySet()) {
            int best = argmax(e.getValue());
            if (best >= 0) {
                chart.marker("best layer, " + e.getKey() + ": " + layers[best], "best layer of each K", x[best],
                        e.getValue()[best], LineChart.Shape.STAR);
            }
        }
        if (top1DiffLayer >= 0) {
            chart.verticalLine(top1DiffLayer, "top1-diff: layer " + top1DiffLayer);
        }
        return chart;
    }

    /**
     * Data-efficiency curve: per series, F1 at each training fraction (f1[fraction][seed], NaN for a failed seed) as a
     * percentage of that series' full-data F1; mean over seeds with min-max whiskers, log x axis, 100% line.
     */
    public static LineChart dataEfficiency(String title, double[] fractions, Map<String, double[][]> f1BySeries,
                                           Map<String, Double> fullDataF1BySeries) {
        LineChart chart = new LineChart(title, "fraction of discovery data", "% of full-data F1").logX()
                .horizontalLine(100, "full data");
        for (Map.Entry<String, double[][]> e : f1BySeries.entrySet()) {
            Double full = fullDataF1BySeries.get(e.getKey());
            if (full == null || !(full > 0)) {
                throw new IllegalArgumentException("data-efficiency series " + e.getKey()
                        + ": needs a positive full-data F1, got " + full);
            }
            double[][] perSeed = e.getValue();
            if (perSeed.length != fractions.length) {
                throw new IllegalArgumentException("data-efficiency series " + e.getKey() + ": " + perSeed.length
                        + " rows of seeds for " + fractions.length + " fractions");
            }
            double[] mean = new double[fractions.length];
            double[] low = new double[fractions.length];
            double[] high = new double[fractions.length];
            for (int i = 0; i < fractions.length; i++) {
                double sum = 0;
                int count = 0;
                low[i] = Double.POSITIVE_INFINITY;
                high[i] = Double.NEGATIVE_INFINITY;
                for (double f1 : perSeed[i]) {
                    if (Double.isFinite(f1)) {
                        double share = 100 * f1 / full;
                        sum += share;
                        count++;
                        low[i] = Math.min(low[i], share);
                        high[i] = Math.max(high[i], share);
                    }
                }
                mean[i] = count == 0 ? Double.NaN : sum / count;
                if (count == 0) {
                    low[i] = Double.NaN;
                    high[i] = Double.NaN;
                }
            }
            chart.series(e.getKey(), fractions, mean, low, high);
        }
        return chart;
    }

    /** Jaccard overlap of the top-K toxic features between every pair of languages at one layer (Fig. 9a-c). */
    public static Heatmap jaccard(String title, List<String> languages, double[][] overlap) {
        return new Heatmap(title, "language", "language", languages, languages, overlap).range(0, 1);
    }

    /** Transfer table: F1 of features discovered in each source language, evaluated on each target (Fig. 9d-e). */
    public static Heatmap transfer(String title, List<String> sources, List<String> targets, double[][] f1) {
        return new Heatmap(title, "discovered in", "evaluated on", sources, targets, f1).range(0, 1);
    }

    /** F1 of multi-layer composition minus F1 of the best single layer, per language (Fig. 11). */
    public static BarChart compositionGain(String title, List<String> languages, double[] bestSingleLayerF1,
                                           double[] composedF1) {
        double[] gain = new double[languages.size()];
        for (int i = 0; i < gain.length; i++) {
            gain[i] = composedF1[i] - bestSingleLayerF1[i];
        }
        return new BarChart(title, "F1 gain", languages).series("composition gain", gain);
    }

    /** A metric as a chart value: an undefined (null) metric becomes the charts' missing value, NaN. */
    static double chartValue(Double metric) {
        return metric == null ? Double.NaN : metric;
    }

    /** Index of the largest finite value, the first on ties; -1 when none is finite. */
    static int argmax(double[] values) {
        int best = -1;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i]) && (best < 0 || values[i] > values[best])) {
                best = i;
            }
        }
        return best;
    }
}
