package org.toxiscope.eval;

import java.util.Locale;

/** Builds one inline SVG element as well-formed XML text: escaped strings, coordinates rounded to 0.1 px. */
final class Svg {

    /** Okabe-Ito colours (colour-blind safe), yellow left out for contrast on white. */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
        "#999999"};
    static final String FONT = "font-family=\"Helvetica,Arial,sans-serif\"";

    private final StringBuilder sb = new StringBuilder();

    Svg(double width, double height, String title, String kind) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ").append(esc(kind))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" role=\"img\"><title>").append(esc(title)).append("</title>");
        rect(0, 0, width, height, "#ffffff", null);
        text(width / 2, 20, title, "middle", 14, "#222222", true);
    }

    static String color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed) {
        sb.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append('"');
        if (dashed) {
            sb.append(" stroke-dasharray=\"5 4\"");
        }
        sb.append("/>");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h)))
                .append("\" fill=\"").append(fill).append('"');
        return tooltipOrClose(tooltip, "rect");
    }

    Svg circle(double cx, double cy, double r, String fill, String stroke, String tooltip) {
        sb.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
                .append(num(r)).append("\" fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"1.5\"");
        return tooltipOrClose(tooltip, "circle");
    }

    Svg polyline(double[] xs, double[] ys, int from, int to, String stroke, double width, boolean dashed) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(num(width))
                .append("\" stroke-linejoin=\"round\"");
        if (dashed) {
            sb.append(" stroke-dasharray=\"6 4\"");
        }
        sb.append(" points=\"");
        for (int i = from; i < to; i++) {
            sb.append(num(xs[i])).append(',').append(num(ys[i])).append(' ');
        }
        sb.append("\"/>");
        return this;
    }

    /** A five-pointed star of outer radius r centred on (cx, cy). */
    Svg star(double cx, double cy, double r, String fill, String tooltip) {
        sb.append("<polygon fill=\"").append(fill).append("\" stroke=\"#222222\" stroke-width=\"0.8\" points=\"");
        for (int k = 0; k < 10; k++) {
            double radius = k % 2 == 0 ? r : r * 0.45;
            double angle = -Math.PI / 2 + k * Math.PI / 5;
            sb.append(num(cx + radius * Math.cos(angle))).append(',').append(num(cy + radius * Math.sin(angle)))
                    .append(' ');
        }
        sb.append('"');
        return tooltipOrClose(tooltip, "polygon");
    }

    Svg text(double x, double y, String s, String anchor, int size, String fill, boolean bold) {
        return text(x, y, s, anchor, size, fill, bold, 0);
    }

    Svg text(double x, double y, String s, String anchor, int size, String fill, boolean bold, double rotate) {
        sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" font-size=\"").append(size).append("\" fill=\"").append(fill).append("\" ")
                .append(FONT);
        if (bold) {
            sb.append(" font-weight=\"bold\"");
        }
        if (rotate != 0) {
            sb.append(" transform=\"rotate(").append(num(rotate)).append(' ').append(num(x)).append(' ')
                    .append(num(y)).append(")\"");
        }
        sb.append('>').append(esc(s)).append("</text>");
        return this;
    }

    private Svg tooltipOrClose(String tooltip, String element) {
        if (tooltip == null) {
            sb.append("/>");
        } else {
            sb.append("><title>").append(esc(tooltip)).append("</title></").append(element).append('>');
        }
        return this;
    }

    String close() {
        return sb.append("</svg>").toString();
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes text for XML content and attribute values. */
    static String esc(String s) {
        return Html.escape(s);
    }

    /** A short human label for a number: up to 3 significant decimals, no trailing zeros. */
    static String label(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        String s = String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }
}
