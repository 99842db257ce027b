package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds one inline SVG element as well-formed XML text: escaped strings, coordinates rounded to 0.1 px. */
final class Svg {

    /** Okabe-Ito colours (colour-blind safe), yellow left out for contrast on white. */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
        "#999999"};
    /** Dash patterns taking over when the colours run out: series i has colour i mod 8 and dash i / 8 (mod 4). */
    static final String[] DASHES = {null, "7 4", "2 3", "9 3 2 3"};
    static final String FONT = "font-family=\"Helvetica,Arial,sans-serif\"";
    /** Height of one line of title text. */
    static final double TITLE_LINE = 18;

    /** Advance widths (1/1000 em) of ASCII 32..126 in Arial, which Liberation Sans and Helvetica match. */
    private static final short[] REGULAR = {278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
        278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722,
        667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
        278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
        556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};
    private static final short[] BOLD = {278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
        278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722,
        667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
        333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611,
        611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

    private final StringBuilder sb = new StringBuilder();

    /** A chart {@code width} x {@code height} px, its title in the lines of {@link #titleLines} from y = 20 down. */
    Svg(double width, double height, String title, String kind) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ").append(esc(kind))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" role=\"img\"><title>").append(esc(title)).append("</title>");
        rect(0, 0, width, height, "#ffffff", null);
        List<String> lines = titleLines(title, width);
        for (int i = 0; i < lines.size(); i++) {
            text(width / 2, 20 + i * TITLE_LINE, lines.get(i), "middle", 14, "#222222", true, 0, "title");
        }
    }

    /** The title's lines in a chart {@code width} px wide (12 px margins). */
    static List<String> titleLines(String title, double width) {
        return wrap(title, 14, true, width - 24);
    }

    static String color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** The dash pattern of series i (null: solid), so that no two of 32 series look alike. */
    static String dash(int i) {
        return DASHES[(i / PALETTE.length) % DASHES.length];
    }

    /**
     * The width in pixels of {@code s} at {@code size} px: Arial's advance widths for ASCII; a wide (CJK, fullwidth)
     * character 1 em and any other character 0.85 em, as wide as the fallback fonts' symbols and letters get, so
     * an estimate errs towards too much room.
     */
    static double textWidth(String s, int size, boolean bold) {
        double units = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 32 && c <= 126) {
                units += (bold ? BOLD : REGULAR)[c - 32];
            } else {
                units += wide(c) ? 1000 : 850;
            }
        }
        return units * size / 1000.0;
    }

    private static boolean wide(int c) {
        Character.UnicodeScript script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL
                || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x3000 && c <= 0x303F);
    }

    /**
     * {@code s} broken into lines no wider than {@code maxWidth}: at spaces, and a word wider than a line between
     * code points; never shortened.
     */
    static List<String> wrap(String s, int size, boolean bold, double maxWidth) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.split(" ", -1)) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (textWidth(candidate, size, bold) <= maxWidth) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            for (int i = 0; i < word.length(); ) {
                int c = word.codePointAt(i);
                i += Character.charCount(c);
                if (line.length() > 0 && textWidth(line + Character.toString(c), size, bold) > maxWidth) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.appendCodePoint(c);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed) {
        return line(x1, y1, x2, y2, stroke, width, dashed ? "5 4" : null);
    }

    /** A line dashed by {@code dash} (an SVG stroke-dasharray; null: solid). */
    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        sb.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append('"');
        if (dash != null) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        sb.append("/>");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        return rect(x, y, w, h, fill, null, tooltip);
    }

    /** A rectangle outlined in dark grey dashed by {@code outlineDash} (null: no outline). */
    Svg rect(double x, double y, double w, double h, String fill, String outlineDash, String tooltip) {
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h)))
                .append("\" fill=\"").append(fill).append('"');
        if (outlineDash != null) {
            sb.append(" stroke=\"#222222\" stroke-width=\"1.2\" stroke-dasharray=\"").append(outlineDash).append('"');
        }
        return tooltipOrClose(tooltip, "rect");
    }

    Svg circle(double cx, double cy, double r, String fill, String stroke, String tooltip) {
        sb.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
                .append(num(r)).append("\" fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"1.5\"");
        return tooltipOrClose(tooltip, "circle");
    }

    /** Points from..to-1 joined, dashed by {@code dash} (null: solid). */
    Svg polyline(double[] xs, double[] ys, int from, int to, String stroke, double width, String dash) {
        sb.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(num(width)).append("\" stroke-linejoin=\"round\"");
        if (dash != null) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
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
        return star(cx, cy, r, fill, "#222222", tooltip);
    }

    /** A five-pointed star outlined in {@code stroke}. */
    Svg star(double cx, double cy, double r, String fill, String stroke, String tooltip) {
        sb.append("<polygon fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"0.8\" points=\"");
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
        return text(x, y, s, anchor, size, fill, bold, rotate, null);
    }

    /** A text of CSS class {@code cssClass} (null: none), which the page tests find it by. */
    Svg text(double x, double y, String s, String anchor, int size, String fill, boolean bold, double rotate,
             String cssClass) {
        sb.append("<text");
        if (cssClass != null) {
            sb.append(" class=\"").append(cssClass).append('"');
        }
        sb.append(" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
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

    /** Opens a group of CSS class {@code cssClass}; {@link #closeGroup} ends it. */
    Svg group(String cssClass) {
        sb.append("<g class=\"").append(cssClass).append("\">");
        return this;
    }

    Svg closeGroup() {
        sb.append("</g>");
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
