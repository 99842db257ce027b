package org.toxiscope.eval;

import com.google.gson.JsonObject;

/** A figure of the HTML report: rendered as one inline SVG element, its data also written to report.json. */
public interface Chart {

    /** The chart as a self-contained {@code <svg>} element (no scripts, no external references). */
    String toSvg();

    /** The plotted numbers, for report.json (missing values as null). */
    JsonObject toJson();
}
