package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON tree (a report's provenance) as nested XHTML tables for a page: an object is a key/value table, an
 * object or array of like objects (counts per language, one entry per classifier) a grid with a column per field,
 * an array of plain values one comma-separated cell; null reads "none".
 */
public final class JsonTable {

    /** The style of the nested tables, for a page's stylesheet: inner tables borderless-compact, keys top-aligned. */
    public static final String CSS = "table.tree table,table.grid table{margin:0}table.tree th,table.tree td"
            + "{vertical-align:top}table.tree td>table{font-size:12px}";

    private JsonTable() {
    }

    /** The table of {@code tree}'s fields, escaped for XHTML. */
    public static String html(JsonObject tree) {
        StringBuilder sb = new StringBuilder();
        value(sb, tree);
        return sb.toString();
    }

    private static void value(StringBuilder sb, JsonElement e) {
        if (e.isJsonObject()) {
            List<String> fields = gridFields(new ArrayList<>(e.getAsJsonObject().asMap().values()));
            if (fields != null) {
                grid(sb, e.getAsJsonObject().asMap(), fields);
            } else {
                sb.append("<table class=\"tree\">");
                e.getAsJsonObject().asMap().forEach((key, v) -> {
                    sb.append("<tr><th class=\"l\">").append(Svg.esc(key)).append("</th><td class=\"l\">");
                    value(sb, v);
                    sb.append("</td></tr>");
                });
                sb.append("</table>");
            }
        } else if (e.isJsonArray()) {
            array(sb, e.getAsJsonArray());
        } else {
            sb.append(Svg.esc(plain(e)));
        }
    }

    private static void array(StringBuilder sb, JsonArray a) {
        List<JsonElement> items = a.asList();
        if (items.stream().noneMatch(i -> i.isJsonObject() || i.isJsonArray())) {
            sb.append(Svg.esc(String.join(", ", items.stream().map(JsonTable::plain).toList())));
            return;
        }
        List<String> fields = gridFields(items);
        if (fields != null) {
            Map<String, JsonElement> rows = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                rows.put(Integer.toString(i + 1), items.get(i));
            }
            grid(sb, rows, fields);
            return;
        }
        sb.append("<table class=\"tree\">");
        for (int i = 0; i < items.size(); i++) {
            sb.append("<tr><th class=\"l\">").append(i + 1).append("</th><td class=\"l\">");
            value(sb, items.get(i));
            sb.append("</td></tr>");
        }
        sb.append("</table>");
    }

    /**
     * The fields of a grid when {@code items} are two or more objects with the same field names, each field's value
     * plain or a plain array in every item; null when they are not.
     */
    private static List<String> gridFields(List<JsonElement> items) {
        if (items.size() < 2 || !items.stream().allMatch(JsonElement::isJsonObject)) {
            return null;
        }
        Set<String> fields = items.get(0).getAsJsonObject().keySet();
        for (JsonElement item : items) {
            JsonObject o = item.getAsJsonObject();
            if (!o.keySet().equals(fields) || fields.isEmpty()) {
                return null;
            }
            for (JsonElement v : o.asMap().values()) {
                if (v.isJsonObject() || (v.isJsonArray() && v.getAsJsonArray().asList().stream()
                        .anyMatch(i -> i.isJsonObject() || i.isJsonArray()))) {
                    return null;
                }
            }
        }
        return List.copyOf(fields);
    }

    private static void grid(StringBuilder sb, Map<String, JsonElement> rows, List<String> fields) {
        sb.append("<table class=\"grid\"><tr><th></th>");
        fields.forEach(f -> sb.append("<th>").append(Svg.esc(f)).append("</th>"));
        sb.append("</tr>");
        rows.forEach((key, row) -> {
            sb.append("<tr><th class=\"l\">").append(Svg.esc(key)).append("</th>");
            for (String f : fields) {
                sb.append("<td>");
                value(sb, row.getAsJsonObject().get(f));
                sb.append("</td>");
            }
            sb.append("</tr>");
        });
        sb.append("</table>");
    }

    /** A plain value as a person reads it: strings bare, numbers without exponent or float noise, null "none". */
    private static String plain(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "none";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isNumber()) {
            BigDecimal d = p.getAsBigDecimal();
            return d.scale() > 6 ? Svg.label(d.doubleValue()) : d.stripTrailingZeros().toPlainString();
        }
        return p.getAsString();
    }
}
