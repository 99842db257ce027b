package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Grouped bars: one group per category (e.g. language), one bar per series (e.g. classifier), optional error
 * whiskers per bar and stars on chosen bars. Bars start at 0, so negative values (gains) point down. NaN = no bar.
 * Past the eight colours a series' bars get a dashed outline of their own.
 */
public final class BarChart implements Chart {

    private record Bars(String name, double[] values, double[] low, double[] high) {
    }

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final List<Bars> bars = new ArrayList<>();
    private final List<int[]> stars = new ArrayList<>();
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;

    public BarChart(String title, String yLabel, List<String> categories) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
    }

    /** Adds a series with one value per category. */
    public BarChart series(String name, double[] values) {
        return series(name, values, null, null);
    }

    /** Adds a series with whiskers from low to high per category (null for none; NaN for none on one bar). */
    public BarChart series(String name, double[] values, double[] low, double[] high) {
        int n = categories.size();
        if (values.length != n || (low != null && low.length != n) || (high != null && high.length != n)) {
            throw new IllegalArgumentException("bar series " + name + ": expected " + n + " values per array");
        }
        bars.add(new Bars(name, values.clone(), low == null ? null : low.clone(), high == null ? null : high.clone()));
        return this;
    }

    /** Stars the bar of the given category and series indices (e.g. the best layer). */
    public BarChart star(int category, int series) {
        stars.add(new int[] {category, series});
        return this;
    }

    public BarChart yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    @Override
    public String toSvg() {
        List<Frame.Entry> legend = new ArrayList<>();
        for (int s = 0; s < bars.size(); s++) {
            legend.add(new Frame.Entry(bars.get(s).name(), Frame.Swatch.BOX, Svg.color(s), Svg.dash(s)));
        }
        double widest = categories.stream().mapToDouble(c -> Svg.textWidth(c, 11, false)).max().orElse(0);
        // Category names turn 45 degrees when they would run into each other, and the chart grows to hold them.
        double group0 = (Frame.plotRight() - Frame.plotLeft()) / Math.max(1, categories.size());
        boolean rotate = categories.size() > 10 || widest > group0 - 4;
        double labelSpace = rotate ? Math.max(0, widest * Math.sqrt(0.5) + 8 - 20) : 0;
        Frame f = new Frame(title, "bar", legend, labelSpace);
        double lo = 0;
        double hi = 0;
        for (Bars b : bars) {
            for (double[] values : new double[][] {b.values(), b.low(), b.high()}) {
                if (values != null) {
                    for (double v : values) {
                        if (Double.isFinite(v)) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                        }
                    }
                }
            }
        }
        Axis y = Axis.of(yMin, yMax, lo, hi, false, f.bottom, f.top);
        f.yAxis(y, yLabel);
        double zero = y.map(Math.max(y.min, Math.min(y.max, 0)));
        double group = (f.right - f.left) / Math.max(1, categories.size());
        double width = group * 0.8 / Math.max(1, bars.size());
        for (int s = 0; s < bars.size(); s++) {
            Bars b = bars.get(s);
            String color = Svg.color(s);
            String outline = Svg.dash(s);
            for (int c = 0; c < categories.size(); c++) {
                double x = f.left + c * group + group * 0.1 + s * width;
                double v = b.values()[c];
                if (!Double.isFinite(v)) {
                    f.svg.text(x + width / 2, zero - 3, "\u2013", "middle", 10, "#888888", false);
                    continue;
                }
                double top = y.map(Math.max(y.min, Math.min(y.max, v)));
                String tip = b.name() + ", " + categories.get(c) + ": " + Svg.label(v);
                boolean whisker = b.low() != null && Double.isFinite(b.low()[c]) && Double.isFinite(b.high()[c]);
                if (whisker) {
                    tip += " [" + Svg.label(b.low()[c]) + ", " + Svg.label(b.high()[c]) + "]";
                }
                f.svg.rect(x, Math.min(top, zero), width * 0.92, Math.abs(zero - top), color, outline, tip);
                if (whisker) {
                    double cx = x + width * 0.46;
                    double yl = y.map(b.low()[c]);
                    double yh = y.map(b.high()[c]);
                    f.svg.line(cx, yl, cx, yh, "#222222", 1.2, false);
                    f.svg.line(cx - 3, yl, cx + 3, yl, "#222222", 1.2, false);
                    f.svg.line(cx - 3, yh, cx + 3, yh, "#222222", 1.2, false);
                }
            }
        }
        for (int[] st : stars) {
            double v = bars.get(st[1]).values()[st[0]];
            if (Double.isFinite(v)) {
                double cx = f.left + st[0] * group + group * 0.1 + st[1] * width + width * 0.46;
                f.svg.star(cx, y.map(Math.max(v, 0)) - 10, 8, "#F0E442",
                        bars.get(st[1]).name() + ", " + categories.get(st[0]) + ": best");
            }
        }
        f.svg.line(f.left, zero, f.right, zero, "#444444", 1, false);
        for (int c = 0; c < categories.size(); c++) {
            double cx = f.left + (c + 0.5) * group;
            if (rotate) {
                f.svg.text(cx + 4, f.bottom + 12, categories.get(c), "end", 11, "#444444", false, -45);
            } else {
                f.svg.text(cx, f.bottom + 16, categories.get(c), "middle", 11, "#444444", false);
            }
        }
        f.legend();
        return f.svg.close();
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "bar");
        o.addProperty("title", title);
        o.addProperty("y_label", yLabel);
        o.add("categories", Json.strings(categories));
        JsonArray series = new JsonArray();
        for (Bars b : bars) {
            JsonObject s = new JsonObject();
            s.addProperty("name", b.name());
            s.add("values", Json.array(b.values()));
            if (b.low() != null) {
                s.add("low", Json.array(b.low()));
                s.add("high", Json.array(b.high()));
            }
            series.add(s);
        }
        o.add("series", series);
        JsonArray starred = new JsonArray();
        for (int[] st : stars) {
            JsonObject j = new JsonObject();
            j.addProperty("category", categories.get(st[0]));
            j.addProperty("series", bars.get(st[1]).name());
            starred.add(j);
        }
        o.add("starred", starred);
        return o;
    }
}
