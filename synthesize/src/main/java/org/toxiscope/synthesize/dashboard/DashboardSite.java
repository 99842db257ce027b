package org.toxiscope.synthesize.dashboard;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.eval.BarChart;
import org.toxiscope.eval.Html;
import org.toxiscope.synthesize.FeatureExplanation;

/**
 * A dashboard folder: {@code index.html}, one page per feature and {@code dashboard.json} (the data, and the mark that
 * the folder is a dashboard), each written atomically; HTML and inline SVG only, no script, no external reference.
 * A folder that holds other files and no such mark is refused unless overwriting, and no file is ever deleted.
 */
public final class DashboardSite {

    public static final String INDEX = "index.html";
    public static final String DATA = "dashboard.json";
    public static final String FORMAT = "toxiscope-dashboard/1";

    /** Query Lens tokens per side shown in the index. */
    private static final int INDEX_TOKENS = 5;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    private static final String STYLE = "body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;"
            + "max-width:1100px;color:#222;padding:0 16px;line-height:1.4}table{border-collapse:collapse;"
            + "font-size:13px;margin:6px 0}th,td{border:1px solid #d8d8d8;padding:3px 8px;text-align:left;"
            + "vertical-align:top}th{background:#f2f2f2}td.n{text-align:right}.note{color:#555;font-size:12px}"
            + ".ctx{font-family:Menlo,Consolas,monospace;font-size:13px;white-space:pre-wrap;margin:4px 0 10px;"
            + "padding:6px;border:1px solid #e4e4e4}.tok{border-radius:2px}.tok sub{font-size:9px;color:#444}"
            + ".lists{display:flex;flex-wrap:wrap;gap:16px}section{margin-bottom:28px}";

    private DashboardSite() {
    }

    /**
     * Refuses {@code dir} when it is no folder, or holds files but no dashboard mark and {@code overwrite} is not set.
     */
    public static void checkOutput(Path dir, boolean overwrite) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--output " + dir + " is not a folder");
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        }
        if (empty || overwrite || isDashboard(dir)) {
            return;
        }
        throw new IllegalArgumentException("--output " + dir + " holds files and is not a dashboard (no " + DATA
                + " of format " + FORMAT + "): give a new or empty folder, or --overwrite to write the dashboard's "
                + "files among them (nothing is deleted)");
    }

    private static boolean isDashboard(Path dir) throws IOException {
        Path data = dir.resolve(DATA);
        if (!Files.isRegularFile(data, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            JsonElement json = JsonParser.parseString(Files.readString(data, StandardCharsets.UTF_8));
            return json.isJsonObject() && json.getAsJsonObject().has("format")
                    && FORMAT.equals(json.getAsJsonObject().get("format").getAsString());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                 | MalformedInputException e) {
            return false;
        }
    }

    /** Writes the data, every feature's page, then the index into {@code dir} (created when missing). */
    public static void write(Path dir, List<FeatureDashboard> features, JsonObject provenance,
                             DashboardSettings settings) throws IOException {
        Files.createDirectories(dir);
        JsonObject data = new JsonObject();
        data.addProperty("format", FORMAT);
        data.add("provenance", provenance);
        data.add("settings", GSON.toJsonTree(settings));
        data.add("features", GSON.toJsonTree(features));
        // The mark first: a run cut short leaves a folder the next run recognises as its own.
        AtomicWrite.writeString(dir.resolve(DATA), GSON.toJson(data) + "\n");
        for (FeatureDashboard f : features) {
            AtomicWrite.writeString(dir.resolve(f.page()), page(f, provenance, settings));
        }
        AtomicWrite.writeString(dir.resolve(INDEX), index(features, provenance));
    }

    static String index(List<FeatureDashboard> features, JsonObject provenance) {
        boolean weights = features.stream().anyMatch(f -> f.source().startsWith("classifier"));
        StringBuilder sb = head("Feature dashboards");
        sb.append("<h1>Feature dashboards</h1>");
        provenanceNote(sb, provenance);
        sb.append("<section id=\"features\"><table><tr><th>feature</th><th>layer</th><th>id</th><th>density</th>")
                .append("<th>texts fired</th><th>query lens: value (promotes)</th><th>query lens: key (activated by)")
                .append("</th>").append(weights ? "<th>classifier weight</th>" : "").append("</tr>");
        for (FeatureDashboard f : features) {
            FeatureExplanation.QueryLensReading q = f.explanation().queryLens();
            sb.append("<tr><td><a href=\"").append(esc(f.page())).append("\">L").append(f.layer()).append(":f")
                    .append(f.feature()).append("</a></td><td class=\"n\">").append(f.layer())
                    .append("</td><td class=\"n\">").append(f.feature()).append("</td><td class=\"n\">")
                    .append(share(f.density())).append("</td><td class=\"n\">").append(share(f.firingRate()))
                    .append("</td><td>").append(tokenLine(q.value().top())).append("</td><td>")
                    .append(tokenLine(q.key().top())).append("</td>");
            if (weights) {
                sb.append("<td class=\"n\">").append(f.weight() == null ? "rule feature" : number(f.weight()))
                        .append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</table></section></body></html>\n").toString();
    }

    static String page(FeatureDashboard f, JsonObject provenance, DashboardSettings settings) {
        String name = "L" + f.layer() + ":f" + f.feature();
        FeatureExplanation e = f.explanation();
        ActivationStats.Counts c = f.counts();
        StringBuilder sb = head(name + " dashboard");
        sb.append("<p><a href=\"").append(INDEX).append("\">all features</a></p><h1>").append(name).append("</h1>");
        provenanceNote(sb, provenance);
        if (f.weight() != null) {
            sb.append("<p>classifier weight ").append(number(f.weight())).append("</p>");
        }
        sb.append("<section id=\"density\"><h2>Activation density</h2><p>Active on ")
                .append(String.format(Locale.ROOT, "%,d of %,d", c.firingPositions(), c.positions()))
                .append(" token positions (density ").append(share(f.density())).append("); fires on ")
                .append(String.format(Locale.ROOT, "%,d of %,d", c.firingTexts(), c.texts())).append(" texts (")
                .append(share(f.firingRate())).append(").</p></section>");
        sb.append("<section id=\"histogram\"><h2>Max activation per text</h2>").append(histogram(f, settings.bins()))
                .append("<p class=\"note\">Texts the feature fires on, by their largest activation; ")
                .append(String.format(Locale.ROOT, "%,d", c.texts() - c.firingTexts()))
                .append(" texts where it never fires are left out.</p></section>");
        contexts(sb, e);
        sb.append("<section id=\"logit-lens\"><h2>Logit lens</h2><p class=\"note\">Top tokens of the unembedding ")
                .append("applied to the decoder direction W_dec[:, f].</p>").append(tokenTable("promotes", e.tokens()))
                .append("</section>");
        FeatureExplanation.QueryLensReading q = e.queryLens();
        sb.append("<section id=\"query-lens\"><h2>Query Lens</h2><p class=\"note\">Over ")
                .append(String.format(Locale.ROOT, "%,d", q.positions())).append(" token positions. Value: what the ")
                .append("feature promotes, carried through the later blocks; key: what activates it, carried back ")
                .append("through the earlier blocks. Value EV_mu ").append(number(q.stats().value().evMu()))
                .append(", key EV_mu ").append(number(q.stats().key().evMu())).append(".</p><div class=\"lists\">")
                .append(tokenTable("value top", q.value().top())).append(tokenTable("value bottom", q.value().bottom()))
                .append(tokenTable("key top", q.key().top())).append(tokenTable("key bottom", q.key().bottom()))
                .append("</div></section>");
        sb.append("<section id=\"steering\"><h2>Steering previews</h2><p class=\"note\">Greedy continuations with ")
                .append("alpha &#215; W_dec[:, f] added to the output of block ").append(f.layer())
                .append(" at every position (alpha 0: unsteered).</p><table><tr><th>prefix</th><th>alpha</th>")
                .append("<th>continuation</th></tr>");
        for (FeatureDashboard.Preview p : f.previews()) {
            sb.append("<tr><td>").append(esc(p.prefix())).append("</td><td class=\"n\">").append(alpha(p.alpha()))
                    .append("</td><td class=\"ctx\">").append(esc(p.continuation())).append("</td></tr>");
        }
        return sb.append("</table></section></body></html>\n").toString();
    }

    private static String histogram(FeatureDashboard f, int bins) {
        float[] maxima = f.counts().maxima();
        double top = 0;
        for (float m : maxima) {
            top = Math.max(top, m);
        }
        int n = maxima.length == 0 ? 1 : bins;
        double width = top > 0 ? top / n : 1;
        double[] counts = new double[n];
        for (float m : maxima) {
            counts[Math.min(n - 1, (int) (m / width))]++;
        }
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            labels.add(String.format(Locale.ROOT, "%.3g", b * width));
        }
        return new BarChart("Max activation per text (bins from their lower edge)", "texts", labels)
                .series("texts", counts).toSvg();
    }

    private static void contexts(StringBuilder sb, FeatureExplanation e) {
        sb.append("<section id=\"contexts\"><h2>Top-activating contexts</h2><p class=\"note\">Each token shaded by ")
                .append("the feature's activation on it (darker is stronger), the value after it and in its tooltip.")
                .append("</p>");
        if (e.contexts().isEmpty()) {
            sb.append("<p>The feature fires on no text of the corpus.</p>");
        }
        sb.append("<ol>");
        for (FeatureExplanation.Context c : e.contexts()) {
            float max = 0;
            for (FeatureExplanation.TokenActivation t : c.tokens()) {
                max = Math.max(max, t.activation());
            }
            sb.append("<li><p class=\"note\">").append(esc(c.id())).append(", max activation ")
                    .append(number(c.activation())).append("</p><div class=\"ctx\">");
            for (Shown t : shown(c.tokens())) {
                double shade = max > 0 && t.activation() > 0 ? t.activation() / max : 0;
                sb.append("<span class=\"tok\" style=\"background:rgba(213,94,0,")
                        .append(String.format(Locale.ROOT, "%.2f", 0.85 * shade)).append(")\" title=\"")
                        .append(number(t.activation())).append(t.tokens() > 1
                                ? " (the strongest of the " + t.tokens() + " byte-level tokens this text spans)" : "")
                        .append("\">").append(esc(visible(t.text())));
                if (t.activation() > 0) {
                    sb.append("<sub>").append(number(t.activation())).append("</sub>");
                }
                sb.append("</span>");
            }
            sb.append("</div></li>");
        }
        sb.append("</ol></section>");
    }

    /** A piece of a context as shown: its text, the strongest activation over its tokens and how many they are. */
    record Shown(String text, float activation, int tokens) {
    }

    /**
     * The context's tokens as shown: a token with no text of its own (bytes of a character that a later token
     * completes) is shown with the token that completes it, so no empty shaded box stands for it.
     */
    static List<Shown> shown(List<FeatureExplanation.TokenActivation> tokens) {
        List<Shown> out = new ArrayList<>();
        float strongest = Float.NEGATIVE_INFINITY;
        int count = 0;
        for (int i = 0; i < tokens.size(); i++) {
            FeatureExplanation.TokenActivation t = tokens.get(i);
            strongest = Math.max(strongest, t.activation());
            count++;
            if (!t.text().isEmpty() || i == tokens.size() - 1) {
                out.add(new Shown(t.text(), strongest, count));
                strongest = Float.NEGATIVE_INFINITY;
                count = 0;
            }
        }
        return out;
    }

    private static String tokenTable(String title, List<FeatureExplanation.TokenScore> tokens) {
        StringBuilder sb = new StringBuilder("<table class=\"tokens\"><tr><th>").append(esc(title))
                .append("</th><th>score</th></tr>");
        for (FeatureExplanation.TokenScore t : tokens) {
            sb.append("<tr><td class=\"ctx\">").append(esc(visible(t.token()))).append("</td><td class=\"n\">")
                    .append(number(t.score())).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    private static String tokenLine(List<FeatureExplanation.TokenScore> tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(INDEX_TOKENS, tokens.size()); i++) {
            sb.append(i == 0 ? "" : " ").append("<code>").append(esc(visible(tokens.get(i).token()))).append("</code>");
        }
        return sb.toString();
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title><style>").append(STYLE).append("</style></head><body>");
    }

    private static void provenanceNote(StringBuilder sb, JsonObject provenance) {
        sb.append("<p class=\"note\">");
        boolean first = true;
        for (var e : provenance.entrySet()) {
            sb.append(first ? "" : "; ").append(esc(e.getKey())).append(": ").append(esc(shown(e.getValue())));
            first = false;
        }
        sb.append("</p>");
    }

    /** A provenance value as the note shows it: a string as is, an array (the corpus files) as a list, else JSON. */
    private static String shown(JsonElement v) {
        if (v.isJsonArray()) {
            return String.join(", ", v.getAsJsonArray().asList().stream().map(DashboardSite::shown).toList());
        }
        return v.isJsonPrimitive() ? v.getAsString() : v.toString();
    }

    /** Line breaks and tabs shown as symbols, so a token stays on its line. */
    private static String visible(String token) {
        return token.replace("\r", "\u240d").replace("\n", "\u23ce").replace("\t", "\u21e5");
    }

    private static String share(double v) {
        return String.format(Locale.ROOT, v != 0 && v < 1e-3 ? "%.2e" : "%.4f", v);
    }

    /** A steering strength as given: 5, 20, 0.5. */
    private static String alpha(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String esc(String s) {
        return Html.escape(s);
    }
}
