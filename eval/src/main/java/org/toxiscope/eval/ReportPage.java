package org.toxiscope.eval;

import com.google.gson.JsonObject;

/**
 * The skeleton every report page shares (the evaluation report, synthesize's coverage page): well-formed XHTML with
 * the report stylesheet inline, so it opens offline and parses as XML; a title, sections with ids for links, and
 * the provenance and settings as nested tables at the end.
 */
public final class ReportPage {

    /** The report stylesheet: tables, charts in a wrapping row, notes, the contents list, the provenance tables. */
    public static final String CSS = "body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1420px;"
            + "color:#222;padding:0 16px}h1{font-size:24px}h2{font-size:19px;border-bottom:1px solid #ccc;"
            + "padding-bottom:4px;margin-top:36px}h3{font-size:15px}table{border-collapse:collapse;font-size:13px;"
            + "margin:8px 0}th,td{border:1px solid #d8d8d8;padding:3px 8px;text-align:right}th{background:#f2f2f2}"
            + ".l{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}"
            + ".note{color:#555;font-size:12px}nav ol{columns:3;font-size:14px}svg.chart{border:1px solid #e6e6e6}"
            + JsonTable.CSS;

    /** The heading of the last section, {@link #provenance}, whose id is {@code provenance}. */
    public static final String PROVENANCE = "Provenance and settings";

    /** The end of the document, after the last section. */
    public static final String END = "</body></html>\n";

    private ReportPage() {
    }

    /** The document from its doctype through the {@code <h1>} of {@code title}. */
    public static String head(String title) {
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"/><title>" + Svg.esc(title) + "</title><style>" + CSS
                + "</style></head><body><h1>" + Svg.esc(title) + "</h1>";
    }

    /** Opens the section {@code id} with its {@code <h2>}; the caller closes it with {@code </section>}. */
    public static String section(String id, String heading) {
        return "<section id=\"" + id + "\"><h2>" + Svg.esc(heading) + "</h2>";
    }

    /**
     * The section {@code provenance}: {@code provenance} with the page's {@code settings} under "settings", as nested
     * tables ({@link JsonTable}); neither argument is changed.
     */
    public static String provenance(JsonObject provenance, JsonObject settings) {
        JsonObject tree = provenance.deepCopy();
        tree.add("settings", settings.deepCopy());
        return section("provenance", PROVENANCE) + JsonTable.html(tree) + "</section>";
    }
}
