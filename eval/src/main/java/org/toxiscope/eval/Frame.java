package org.toxiscope.eval;

import java.util.List;

/** The common layout of an x-y chart: title, plot area, axes with grid lines and labels, legend below the plot. */
final class Frame {

    private static final double WIDTH = 680;
    private static final double PLOT_HEIGHT = 260;
    private static final double LEGEND_COLUMN = 210;
    private static final int LEGEND_CHARS = 30;

    final Svg svg;
    final double left = 64;
    final double right = WIDTH - 20;
    final double top = 40;
    final double bottom = top + PLOT_HEIGHT;

    Frame(String title, String kind, int legendEntries, double extraBottom) {
        int perRow = (int) ((right - left) / LEGEND_COLUMN);
        int rows = (legendEntries + perRow - 1) / perRow;
        svg = new Svg(WIDTH, bottom + 44 + extraBottom + rows * 18 + 6, title, kind);
    }

    void yAxis(Axis y, String label) {
        for (double t : y.ticks()) {
            double py = y.map(t);
            svg.line(left, py, right, py, "#e4e4e4", 1, false);
            svg.text(left - 6, py + 4, Svg.label(t), "end", 11, "#444444", false);
        }
        svg.line(left, top, left, bottom, "#444444", 1, false);
        double mid = (top + bottom) / 2;
        svg.text(16, mid, label, "middle", 12, "#222222", false, -90);
    }

    void xAxis(Axis x, String label) {
        for (double t : x.ticks()) {
            double px = x.map(t);
            svg.line(px, top, px, bottom, "#f0f0f0", 1, false);
            svg.line(px, bottom, px, bottom + 4, "#444444", 1, false);
            svg.text(px, bottom + 16, Svg.label(t), "middle", 11, "#444444", false);
        }
        svg.line(left, bottom, right, bottom, "#444444", 1, false);
        xLabel(label, 0);
    }

    void xLabel(String label, double extraBottom) {
        svg.text((left + right) / 2, bottom + 34 + extraBottom, label, "middle", 12, "#222222", false);
    }

    /** Legend entries in columns below the plot; a name too long is shortened, its full text in the tooltip. */
    void legend(List<String> names, List<String> colors, double extraBottom) {
        int perRow = (int) ((right - left) / LEGEND_COLUMN);
        for (int i = 0; i < names.size(); i++) {
            double x = left + (i % perRow) * LEGEND_COLUMN;
            double y = bottom + 52 + extraBottom + (i / perRow) * 18;
            svg.rect(x, y - 9, 14, 10, colors.get(i), names.get(i));
            String name = names.get(i);
            String shown = name.length() > LEGEND_CHARS ? name.substring(0, LEGEND_CHARS - 1) + "\u2026" : name;
            svg.text(x + 19, y, shown, "start", 11, "#222222", false);
        }
    }
}
