package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The common layout of an x-y chart: the title (wrapped), plot area, axes with grid lines and labels, and the legend
 * below the plot in rows as wide as the plot, each entry whole (a long one wraps), the chart as tall as they need.
 */
final class Frame {

    /** How a legend entry's sample is drawn: as the series' line, bar, or highlighted point. */
    enum Swatch { LINE, BOX, STAR, RING }

    /** One legend entry: its text, its sample, the colour and dash (null: solid) of that series. */
    record Entry(String name, Swatch swatch, String color, String dash) {
    }

    private static final double WIDTH = 680;
    private static final double PLOT_HEIGHT = 260;
    private static final int LEGEND_SIZE = 11;
    private static final double LEGEND_LINE = 16;
    private static final double SWATCH = 26;
    private static final double GAP = 18;

    final Svg svg;
    final double left = plotLeft();
    final double right = plotRight();
    final double top;
    final double bottom;
    private final List<Entry> legend;
    /** Per legend entry: x, y of its first line, and its text lines. */
    private final List<Placed> placed = new ArrayList<>();

    private record Placed(double x, double y, List<String> lines) {
    }

    Frame(String title, String kind, List<Entry> legend, double extraBottom) {
        this.legend = List.copyOf(legend);
        top = 40 + (Svg.titleLines(title, WIDTH).size() - 1) * Svg.TITLE_LINE;
        bottom = top + PLOT_HEIGHT;
        double x = left;
        double y = bottom + 52 + extraBottom;
        double rowHeight = 0;
        double textRoom = right - left - SWATCH;
        for (Entry e : this.legend) {
            List<String> lines = Svg.wrap(e.name(), LEGEND_SIZE, false, textRoom);
            double width = SWATCH + lines.stream().mapToDouble(l -> Svg.textWidth(l, LEGEND_SIZE, false)).max()
                    .orElse(0);
            if (x > left && x + width > right) {
                x = left;
                y += rowHeight;
                rowHeight = 0;
            }
            placed.add(new Placed(x, y, lines));
            x += width + GAP;
            rowHeight = Math.max(rowHeight, lines.size() * LEGEND_LINE + 2);
        }
        double legendBottom = this.legend.isEmpty() ? bottom + 44 + extraBottom : y + rowHeight - 6;
        svg = new Svg(WIDTH, legendBottom + 8, title, kind);
    }

    /** The plot's left edge in every frame, for a chart sizing its labels before it makes its frame. */
    static double plotLeft() {
        return 64;
    }

    /** The plot's right edge in every frame. */
    static double plotRight() {
        return WIDTH - 20;
    }

    void yAxis(Axis y, String label) {
        for (double t : y.ticks()) {
            double py = y.map(t);
            svg.line(left, py, right, py, "#e4e4e4", 1, false);
            svg.text(left - 6, py + 4, Svg.label(t), "end", 11, "#444444", false, 0, "tick y");
        }
        svg.line(left, top, left, bottom, "#444444", 1, false);
        double mid = (top + bottom) / 2;
        svg.text(16, mid, label, "middle", 12, "#222222", false, -90, "axis-label y");
    }

    void xAxis(Axis x, String label) {
        for (double t : x.ticks()) {
            double px = x.map(t);
            svg.line(px, top, px, bottom, "#f0f0f0", 1, false);
            svg.line(px, bottom, px, bottom + 4, "#444444", 1, false);
            svg.text(px, bottom + 16, Svg.label(t), "middle", 11, "#444444", false, 0, "tick x");
        }
        svg.line(left, bottom, right, bottom, "#444444", 1, false);
        svg.text((left + right) / 2, bottom + 34, label, "middle", 12, "#222222", false, 0, "axis-label x");
    }

    /** Draws the legend laid out by the constructor. */
    void legend() {
        for (int i = 0; i < legend.size(); i++) {
            Entry e = legend.get(i);
            Placed p = placed.get(i);
            double cy = p.y() - 4;
            svg.group("legend-entry");
            switch (e.swatch()) {
                case LINE -> svg.line(p.x(), cy, p.x() + 20, cy, e.color(), 2, e.dash());
                case BOX -> svg.rect(p.x() + 3, cy - 5, 14, 10, e.color(), e.dash(), null);
                case STAR -> svg.star(p.x() + 10, cy, 7, e.color(), null);
                case RING -> svg.circle(p.x() + 10, cy, 6, "none", e.color(), null);
            }
            for (int l = 0; l < p.lines().size(); l++) {
                svg.text(p.x() + SWATCH, p.y() + l * LEGEND_LINE, p.lines().get(l), "start", LEGEND_SIZE, "#222222",
                        false, 0, "legend");
            }
            svg.closeGroup();
        }
    }
}
