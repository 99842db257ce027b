package org.toxiscope.datasets;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonSerializer;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code data stats} reports: records read (duplicates included), rejected, repeated texts, counts per language and
 * per label column, and text lengths in code points. {@link #toJson()} is the stable script-facing form.
 */
public record StatsReport(int files, long records, long rejected, long duplicates,
                          Map<String, LabelCounts> byLanguage, Map<String, LabelCounts> byLabelColumn,
                          Lengths textLength) {

    /** Records with the label true, false, or without labels. */
    public record LabelCounts(long toxic, long nonToxic, long unlabelled) {
    }

    /** Text length percentiles (nearest rank) and mean. */
    public record Lengths(int min, int p50, int p90, int p95, int p99, int max, double mean) {
    }

    /** {@code {"records":N,"rejected":R,"duplicates":D,"by_language":{"de":{"toxic":a,"non_toxic":b}},...}}. */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                .setFieldNamingStrategy(f -> snake(f.getName()))
                .registerTypeAdapter(LabelCounts.class, (JsonSerializer<LabelCounts>) (c, t, ctx) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("toxic", c.toxic());
                    o.addProperty("non_toxic", c.nonToxic());
                    if (c.unlabelled() > 0) {
                        o.addProperty("unlabelled", c.unlabelled());
                    }
                    return o;
                })
                .create().toJson(this);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** A table for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("records %d   rejected %d   duplicates %d   files %d%n", records, rejected, duplicates, files));
        sb.append(String.format("%-10s %10s %10s %10s%n", "language", "toxic", "non_toxic", "unlabelled"));
        byLanguage.forEach((lang, c) -> sb.append(String.format("%-10s %10d %10d %10d%n", lang, c.toxic(), c.nonToxic(),
                c.unlabelled())));
        if (byLabelColumn.size() > 1) {
            sb.append(String.format("%-16s %10s %10s%n", "label column", "true", "false"));
            byLabelColumn.forEach((l, c) -> sb.append(String.format("%-16s %10d %10d%n", l, c.toxic(), c.nonToxic())));
        }
        Lengths l = textLength;
        sb.append(String.format("text length (code points): min %d  p50 %d  p90 %d  p95 %d  p99 %d  max %d  mean %.1f%n",
                l.min(), l.p50(), l.p90(), l.p95(), l.p99(), l.max(), l.mean()));
        return sb.toString();
    }
}
