package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * A table of coloured cells with the value printed in each: rows x columns (e.g. language x language Jaccard
 * overlap, source x target transfer F1, gold x predicted counts). Sequential colours (white to blue) over
 * [min, max], or diverging (red below 0, blue above) for gains. NaN = empty cell.
 */
public final class Heatmap implements Chart {

    private static final double CELL_HEIGHT = 30;

    private final String title;
    private final String rowLabel;
    private final String columnLabel;
    private final List<String> rows;
    private final List<String> columns;
    private final double[][] values;
    private double min = Double.NaN;
    private double max = Double.NaN;
    private boolean diverging;
    private int decimals = 2;

    public Heatmap(String title, String rowLabel, String columnLabel, List<String> rows, List<String> columns,
                   double[][] values) {
        if (values.length != rows.size()) {
            throw new IllegalArgumentException("heatmap " + title + ": " + rows.size() + " rows named but "
                    + values.length + " given");
        }
        for (double[] row : values) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException("heatmap " + title + ": every row needs " + columns.size()
                        + " values");
            }
        }
        this.title = title;
        this.rowLabel = rowLabel;
        this.columnLabel = columnLabel;
        this.rows = List.copyOf(rows);
        this.columns = List.copyOf(columns);
        this.values = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            this.values[r] = values[r].clone();
        }
    }

    /** Colour scale bounds (default: the data extent). */
    public Heatmap range(double min, double max) {
        this.min = min;
        this.max = max;
        return this;
    }

    /** Red for negative, blue for positive values, white at 0 (for gains and differences). */
    public Heatmap diverging() {
        diverging = true;
        return this;
    }

    /** Decimals printed in the cells (0 for counts). */
    public Heatmap decimals(int decimals) {
        this.decimals = decimals;
        return this;
    }

    @Override
    public String toSvg() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double a = Double.isNaN(min) ? lo : min;
        double b = Double.isNaN(max) ? hi : max;
        // Every name is measured: the row names and the corner label set the left margin, the widest column name
        // the cell width, and the title (wrapped past 680 px) the chart's width.
        String corner = rowLabel + " \u2193";
        double rowNames = Math.max(rows.stream().mapToDouble(r -> Svg.textWidth(r, 11, true)).max().orElse(0),
                Svg.textWidth(corner, 12, false));
        double left = 16 + rowNames + 6;
        double widestColumn = columns.stream().mapToDouble(c -> Svg.textWidth(c, 11, true)).max().orElse(0);
        double cellWidth = Math.max(Math.max(44, widestColumn + 10),
                Math.min(72, 560.0 / Math.max(1, columns.size())));
        double cells = cellWidth * columns.size();
        double columnLabelWidth = Svg.textWidth(columnLabel, 12, false);
        double columnLabelX = Math.max(left + cells / 2, columnLabelWidth / 2 + 12);
        double width = Math.max(Math.max(left + cells + 16, columnLabelX + columnLabelWidth / 2 + 12),
                Math.min(Svg.textWidth(title, 14, true) + 24, 680));
        List<String> titleLines = Svg.titleLines(title, width);
        double shift = (titleLines.size() - 1) * Svg.TITLE_LINE;
        double top = 66 + shift;
        double height = top + CELL_HEIGHT * rows.size() + 16;
        Svg svg = new Svg(width, height, title, "heatmap");
        svg.text(columnLabelX, 40 + shift, columnLabel, "middle", 12, "#222222", false);
        // The row label sits in the corner above the row names: a rotated one would not fit a one-row table.
        svg.text(left - 6, top - 8, corner, "end", 12, "#222222", false);
        for (int c = 0; c < columns.size(); c++) {
            svg.text(left + (c + 0.5) * cellWidth, top - 8, columns.get(c), "middle", 11, "#444444", true);
        }
        for (int r = 0; r < rows.size(); r++) {
            double y = top + r * CELL_HEIGHT;
            svg.text(left - 6, y + CELL_HEIGHT / 2 + 4, rows.get(r), "end", 11, "#444444", true);
            for (int c = 0; c < columns.size(); c++) {
                double v = values[r][c];
                double x = left + c * cellWidth;
                String tip = rows.get(r) + " \u00d7 " + columns.get(c) + ": " + (Double.isFinite(v) ? v : "n/a");
                if (!Double.isFinite(v)) {
                    svg.rect(x, y, cellWidth - 2, CELL_HEIGHT - 2, "#f4f4f4", tip);
                    svg.text(x + cellWidth / 2, y + CELL_HEIGHT / 2 + 4, "n/a", "middle", 10, "#999999", false);
                    continue;
                }
                double[] rgb = diverging ? divergingColor(v, Math.max(Math.abs(a), Math.abs(b)))
                        : sequentialColor(b == a ? 1 : (v - a) / (b - a));
                svg.rect(x, y, cellWidth - 2, CELL_HEIGHT - 2, hex(rgb), tip);
                double luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
                svg.text(x + cellWidth / 2, y + CELL_HEIGHT / 2 + 4,
                        String.format(java.util.Locale.ROOT, "%." + decimals + "f", v), "middle", 11,
                        luminance < 140 ? "#ffffff" : "#111111", false);
            }
        }
        return svg.close();
    }

    /** White (t = 0) to dark blue (t = 1). */
    private static double[] sequentialColor(double t) {
        double u = Math.max(0, Math.min(1, t));
        return new double[] {247 + u * (8 - 247), 251 + u * (69 - 251), 255 + u * (148 - 255)};
    }

    /** Red for negative, white at 0, blue for positive, saturating at |v| = bound. */
    private static double[] divergingColor(double v, double bound) {
        double u = bound == 0 ? 0 : Math.max(-1, Math.min(1, v / bound));
        return u < 0 ? new double[] {255 + -u * (202 - 255), 255 + -u * (0 - 255), 255 + -u * (32 - 255)}
                : new double[] {255 + u * (5 - 255), 255 + u * (113 - 255), 255 + u * (176 - 255)};
    }

    private static String hex(double[] rgb) {
        return String.format("#%02x%02x%02x", Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2]));
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "heatmap");
        o.addProperty("title", title);
        o.addProperty("row_label", rowLabel);
        o.addProperty("column_label", columnLabel);
        o.add("rows", Json.strings(rows));
        o.add("columns", Json.strings(columns));
        JsonArray grid = new JsonArray();
        for (double[] row : values) {
            grid.add(Json.array(row));
        }
        o.add("values", grid);
        return o;
    }
}
