package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A line chart of several named series over a numeric x axis (linear, log or integer), each with optional error
 * bars, plus starred or ringed points, vertical/horizontal reference lines and an optional y = x diagonal. Series
 * differ in colour and, past the eight colours, in dash pattern. NaN values leave a gap. Built fluently:
 * {@code new LineChart("F1 by layer", "layer", "F1").series(...)}.
 */
public final class LineChart implements Chart {

    /** How a highlighted point is drawn. */
    public enum Shape { STAR, RING }

    private record Line(String name, double[] x, double[] y, double[] low, double[] high) {
    }

    /** A highlighted point: its own label (tooltip, report.json) and the legend entry it shares with its kind. */
    private record Mark(String label, String legend, double x, double y, Shape shape) {
    }

    private record Rule(boolean vertical, double at, String label) {
    }

    private static final String STAR_FILL = "#F0E442";

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Line> lines = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private double xMin = Double.NaN;
    private double xMax = Double.NaN;
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;
    private boolean logX;
    private boolean integerX;
    private boolean diagonal;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; x and y have equal length. */
    public LineChart series(String name, double[] x, double[] y) {
        return series(name, x, y, null, null);
    }

    /** Adds a series with error bars from low to high at each point (null for none). */
    public LineChart series(String name, double[] x, double[] y, double[] low, double[] high) {
        if (x.length != y.length || (low != null && low.length != x.length)
                || (high != null && high.length != x.length)) {
            throw new IllegalArgumentException("series " + name + ": x, y, low and high must have the same length");
        }
        lines.add(new Line(name, x.clone(), y.clone(), low == null ? null : low.clone(),
                high == null ? null : high.clone()));
        return this;
    }

    /** Highlights one point, e.g. the best layer (STAR) or the layer a heuristic picked (RING). */
    public LineChart marker(String label, double x, double y, Shape shape) {
        return marker(label, label, x, y, shape);
    }

    /**
     * Highlights one point labelled {@code label} in its tooltip; markers of one {@code legend} text share one legend
     * entry (e.g. the best layer of each K under "best layer of each K").
     */
    public LineChart marker(String label, String legend, double x, double y, Shape shape) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("marker " + label + ": needs a finite point, got (" + x + ", " + y + ")");
        }
        marks.add(new Mark(label, legend, x, y, shape));
        return this;
    }

    /** A dashed vertical line at x with a label. */
    public LineChart verticalLine(double x, String label) {
        rules.add(new Rule(true, x, label));
        return this;
    }

    /** A dashed horizontal line at y with a label. */
    public LineChart horizontalLine(double y, String label) {
        rules.add(new Rule(false, y, label));
        return this;
    }

    public LineChart xRange(double min, double max) {
        xMin = min;
        xMax = max;
        return this;
    }

    public LineChart yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    /** Logarithmic x axis (x values must be positive), e.g. for data fractions 1% to 100%. */
    public LineChart logX() {
        logX = true;
        return this;
    }

    /** An x axis of whole numbers (layers, counts): ticks at integers only. */
    public LineChart integerX() {
        integerX = true;
        return this;
    }

    /** Draws the y = x reference (chance ROC, perfect calibration). */
    public LineChart diagonal() {
        diagonal = true;
        return this;
    }

    int seriesCount() {
        return lines.size();
    }

    @Override
    public String toSvg() {
        List<Frame.Entry> legend = new ArrayList<>();
        for (int s = 0; s < lines.size(); s++) {
            legend.add(new Frame.Entry(lines.get(s).name(), Frame.Swatch.LINE, Svg.color(s), Svg.dash(s)));
        }
        Set<String> markLegends = new LinkedHashSet<>();
        for (Mark m : marks) {
            if (markLegends.add(m.legend())) {
                legend.add(m.shape() == Shape.STAR ? new Frame.Entry(m.legend(), Frame.Swatch.STAR, STAR_FILL, null)
                        : new Frame.Entry(m.legend(), Frame.Swatch.RING, "#222222", null));
            }
        }
        Frame f = new Frame(title, "line", legend, 0);
        double[] xr = extent(true);
        double[] yr = extent(false);
        Axis x = Axis.of(xMin, xMax, xr[0], xr[1], logX, integerX, f.left, f.right);
        Axis y = Axis.of(yMin, yMax, yr[0], yr[1], false, f.bottom, f.top);
        f.yAxis(y, yLabel);
        f.xAxis(x, xLabel);
        if (diagonal) {
            double lo = Math.max(x.min, y.min);
            double hi = Math.min(x.max, y.max);
            f.svg.line(x.map(lo), y.map(lo), x.map(hi), y.map(hi), "#aaaaaa", 1, true);
        }
        for (Rule r : rules) {
            if (r.vertical()) {
                double px = x.map(r.at());
                f.svg.line(px, f.top, px, f.bottom, "#666666", 1, true);
                // The label sits right of the line unless it would leave the plot, then left of it.
                boolean fitsRight = px + 4 + Svg.textWidth(r.label(), 11, false) <= f.right;
                f.svg.text(fitsRight ? px + 4 : px - 4, f.top + 12, r.label(), fitsRight ? "start" : "end", 11,
                        "#444444", false);
            } else {
                f.svg.line(f.left, y.map(r.at()), f.right, y.map(r.at()), "#666666", 1, true);
                f.svg.text(f.right - 4, y.map(r.at()) - 4, r.label(), "end", 11, "#444444", false);
            }
        }
        for (int s = 0; s < lines.size(); s++) {
            drawLine(f.svg, lines.get(s), x, y, Svg.color(s), Svg.dash(s));
        }
        for (Mark m : marks) {
            String tip = m.label() + ": (" + Svg.label(m.x()) + ", " + Svg.label(m.y()) + ")";
            if (m.shape() == Shape.STAR) {
                f.svg.star(x.map(m.x()), y.map(m.y()), 9, STAR_FILL, tip);
            } else {
                f.svg.circle(x.map(m.x()), y.map(m.y()), 8, "none", "#222222", tip);
            }
        }
        f.legend();
        return f.svg.close();
    }

    private static void drawLine(Svg svg, Line line, Axis x, Axis y, String color, String dash) {
        int n = line.x().length;
        double[] px = new double[n];
        double[] py = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = x.map(line.x()[i]);
            py[i] = y.map(line.y()[i]);
        }
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || !usable(line.x()[i], line.y()[i], x.log)) {
                if (i - start >= 2) {
                    svg.polyline(px, py, start, i, color, 2, dash);
                }
                start = i + 1;
            }
        }
        for (int i = 0; i < n; i++) {
            if (!usable(line.x()[i], line.y()[i], x.log)) {
                continue;
            }
            if (line.low() != null && Double.isFinite(line.low()[i]) && Double.isFinite(line.high()[i])) {
                svg.line(px[i], y.map(line.low()[i]), px[i], y.map(line.high()[i]), color, 1.2, false);
                svg.line(px[i] - 4, y.map(line.low()[i]), px[i] + 4, y.map(line.low()[i]), color, 1.2, false);
                svg.line(px[i] - 4, y.map(line.high()[i]), px[i] + 4, y.map(line.high()[i]), color, 1.2, false);
            }
            if (n <= 40) {
                String tip = line.name() + ": (" + Svg.label(line.x()[i]) + ", " + Svg.label(line.y()[i]) + ")";
                svg.circle(px[i], py[i], 3, color, color, tip);
            }
        }
    }

    private static boolean usable(double x, double y, boolean log) {
        return Double.isFinite(x) && Double.isFinite(y) && (!log || x > 0);
    }

    /** Finite data extent {min, max} along x or y, error bars, marks and rules included. */
    private double[] extent(boolean alongX) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double[] values : alongX ? new double[][] {l.x()} : new double[][] {l.y(), l.low(), l.high()}) {
                if (values == null) {
                    continue;
                }
                for (double v : values) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        for (Mark m : marks) {
            double v = alongX ? m.x() : m.y();
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        for (Rule r : rules) {
            if (r.vertical() == alongX) {
                lo = Math.min(lo, r.at());
                hi = Math.max(hi, r.at());
            }
        }
        return new double[] {lo, hi};
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "line");
        o.addProperty("title", title);
        o.addProperty("x_label", xLabel);
        o.addProperty("y_label", yLabel);
        JsonArray series = new JsonArray();
        for (Line l : lines) {
            JsonObject s = new JsonObject();
            s.addProperty("name", l.name());
            s.add("x", Json.array(l.x()));
            s.add("y", Json.array(l.y()));
            if (l.low() != null) {
                s.add("low", Json.array(l.low()));
                s.add("high", Json.array(l.high()));
            }
            series.add(s);
        }
        o.add("series", series);
        JsonArray markers = new JsonArray();
        for (Mark m : marks) {
            JsonObject j = new JsonObject();
            j.addProperty("label", m.label());
            j.addProperty("x", m.x());
            j.addProperty("y", m.y());
            j.addProperty("shape", m.shape().name().toLowerCase(java.util.Locale.ROOT));
            markers.add(j);
        }
        o.add("markers", markers);
        JsonArray refs = new JsonArray();
        for (Rule r : rules) {
            JsonObject j = new JsonObject();
            j.addProperty(r.vertical() ? "x" : "y", r.at());
            j.addProperty("label", r.label());
            refs.add(j);
        }
        o.add("reference_lines", refs);
        return o;
    }
}
