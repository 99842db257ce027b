package org.toxiscope.synthesize;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.eval.BarChart;
import org.toxiscope.eval.Html;
import org.toxiscope.eval.LineChart;
import org.toxiscope.eval.ReportPage;

/**
 * Coverage of a target inventory as JSON and as an HTML page in the eval style: the corpus's covered, missing and
 * weakly covered targets with its natural-sampling curve, and, for a synthesis run, {@code Cov} of the synthesized
 * set (overall and per generator) against natural sampling at the same budget and the corpus itself, with kept/tried
 * per target; and, when given, Cov against budget for several sets on one figure (the report's Fig. 14: natural
 * sampling, random synthesis, feature-driven synthesis), each set's Cov of b examples drawn from it at random.
 */
public final class CoverageReport {

    public static final String FORMAT = "toxiscope-coverage/1";

    /** Synthesis outcome of one target: candidates kept and tried. */
    public record TargetStats(int kept, int tried) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private final List<Target> targets;
    private final JsonObject provenance;
    private final double weakBelow;
    private String corpusName;
    private FiringSets corpus;
    private SamplingCurve curve;
    private final Map<String, FiringSets> synthesized = new LinkedHashMap<>();
    private List<TargetStats> stats;
    private List<FeatureExplanation> explanations;
    private final Map<String, SamplingCurve> budgetCurves = new LinkedHashMap<>();

    public CoverageReport(List<Target> targets, JsonObject provenance, double weakBelow) {
        this.targets = List.copyOf(targets);
        this.provenance = provenance.deepCopy();
        this.weakBelow = weakBelow;
    }

    /** The corpus (seed corpus or data) with its natural-sampling curve. */
    public CoverageReport corpus(String name, FiringSets sets, SamplingCurve samplingCurve) {
        this.corpusName = name;
        this.corpus = sets;
        this.curve = samplingCurve;
        return this;
    }

    /** A synthesized set: {@code "all"} for the whole output, else one generator's records. */
    public CoverageReport synthesized(String name, FiringSets sets) {
        synthesized.put(name, sets);
        return this;
    }

    /** Kept and tried per target, in target order. */
    public CoverageReport targetStats(List<TargetStats> perTarget) {
        this.stats = List.copyOf(perTarget);
        return this;
    }

    /** One set's Cov-vs-budget curve for the comparison figure, under {@code name}, in the order given. */
    public CoverageReport budgetCurve(String name, SamplingCurve budgetCurve) {
        budgetCurves.put(name, budgetCurve);
        return this;
    }

    /** Explanations per target, in target order, shown beside each target. */
    public CoverageReport explanations(List<FeatureExplanation> perTarget) {
        this.explanations = List.copyOf(perTarget);
        return this;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.add("provenance", provenance.deepCopy());
        o.addProperty("targets", targets.size());
        o.addProperty("weak_below", weakBelow);
        if (corpus != null) {
            Coverage c = Coverage.of(corpus, weakBelow);
            JsonObject j = new JsonObject();
            j.addProperty("name", corpusName);
            j.addProperty("examples", c.examples());
            j.addProperty("cov", c.cov());
            j.add("covered", ids(c.covered()));
            j.add("missing", ids(c.missing()));
            j.add("weak", ids(c.weak()));
            o.add("corpus", j);
            JsonObject n = new JsonObject();
            n.add("budgets", GSON.toJsonTree(curve.budgets()));
            n.add("seeds", GSON.toJsonTree(curve.seeds()));
            n.add("cov", GSON.toJsonTree(curve.cov()));
            n.add("cov_mean", GSON.toJsonTree(curve.mean()));
            o.add("natural_sampling", n);
        }
        if (!synthesized.isEmpty()) {
            JsonObject s = new JsonObject();
            for (var e : synthesized.entrySet()) {
                Coverage c = Coverage.of(e.getValue(), weakBelow);
                JsonObject j = new JsonObject();
                j.addProperty("examples", c.examples());
                j.addProperty("cov", c.cov());
                j.add("covered", ids(c.covered()));
                if (curve != null) {
                    j.addProperty("natural_sampling_cov_at_budget", naturalAt(c.examples()));
                }
                s.add(e.getKey(), j);
            }
            o.add("synthesized", s);
        }
        if (!budgetCurves.isEmpty()) {
            JsonObject curves = new JsonObject();
            for (var e : budgetCurves.entrySet()) {
                SamplingCurve c = e.getValue();
                JsonObject j = new JsonObject();
                j.add("budgets", GSON.toJsonTree(c.budgets()));
                j.add("seeds", GSON.toJsonTree(c.seeds()));
                j.add("cov", GSON.toJsonTree(c.cov()));
                j.add("cov_mean", GSON.toJsonTree(c.mean()));
                curves.add(e.getKey(), j);
            }
            o.add("cov_vs_budget", curves);
        }
        JsonArray per = new JsonArray();
        for (int t = 0; t < targets.size(); t++) {
            JsonObject j = new JsonObject();
            Target target = targets.get(t);
            j.addProperty("target", target.ref().toString());
            j.addProperty("layer", target.layer());
            j.addProperty("feature", target.feature());
            if (!Double.isNaN(target.relevance())) {
                j.addProperty("relevance", target.relevance());
            }
            j.addProperty("source", target.source());
            if (corpus != null) {
                j.addProperty("corpus_support", corpus.support(t));
            }
            FiringSets all = synthesized.get("all");
            if (all != null) {
                j.addProperty("synthesized_support", all.support(t));
            }
            if (stats != null) {
                j.addProperty("kept", stats.get(t).kept());
                j.addProperty("tried", stats.get(t).tried());
                j.addProperty("kept_rate", stats.get(t).tried() == 0 ? 0 : (double) stats.get(t).kept()
                        / stats.get(t).tried());
            }
            if (explanations != null) {
                j.addProperty("explanation", explanations.get(t).summary());
            }
            per.add(j);
        }
        o.add("per_target", per);
        return o;
    }

    /** Mean natural-sampling Cov at {@code budget} examples (0 for none; the curve must include it, capped at the corpus size). */
    private double naturalAt(int budget) {
        if (budget == 0) {
            return 0;
        }
        return curve.meanAt(Math.min(budget, Math.max(corpus.size(), 1)));
    }

    private JsonArray ids(List<Integer> indices) {
        JsonArray a = new JsonArray();
        indices.forEach(i -> a.add(targets.get(i).ref().toString()));
        return a;
    }

    /** The page: summary table and charts, the targets with their explanations, then provenance and settings. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder(ReportPage.head("Feature coverage"));
        sb.append("<p class=\"note\">").append(targets.size()).append(" target features. Cov: the share of them ")
                .append("that fire (max-pooled activation above 0) on at least one example of a set.</p>")
                .append(ReportPage.section("summary", "Summary"))
                .append("<table><tr><th class=\"l\">set</th><th>examples</th><th>Cov</th></tr>");
        List<String> categories = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        if (corpus != null) {
            Coverage c = Coverage.of(corpus, weakBelow);
            row(sb, corpusName, c.examples(), c.cov());
            categories.add(corpusName);
            values.add(c.cov());
        }
        for (var e : synthesized.entrySet()) {
            Coverage c = Coverage.of(e.getValue(), weakBelow);
            row(sb, "synthesized: " + e.getKey(), c.examples(), c.cov());
            categories.add("synth " + e.getKey());
            values.add(c.cov());
            if (curve != null) {
                row(sb, "natural sampling at " + c.examples(), Math.min(c.examples(), corpus.size()),
                        naturalAt(c.examples()));
                categories.add("natural @" + c.examples());
                values.add(naturalAt(c.examples()));
            }
        }
        sb.append("</table><div class=\"charts\">");
        if (!categories.isEmpty()) {
            sb.append(new BarChart("Cov by set", "Cov", categories)
                    .series("Cov", values.stream().mapToDouble(Double::doubleValue).toArray()).yRange(0, 1).toSvg());
        }
        if (curve != null) {
            double[] x = new double[curve.budgets().length];
            for (int j = 0; j < x.length; j++) {
                x[j] = curve.budgets()[j];
            }
            double[][] range = curve.range();
            LineChart chart = new LineChart("Natural sampling (" + curve.seeds().length + " seeds)", "examples", "Cov")
                    .series("natural sampling", x, curve.mean(), range[0], range[1]).yRange(0, 1);
            FiringSets all = synthesized.get("all");
            if (all != null && all.size() > 0) {
                chart.marker("synthesized", all.size(), Coverage.of(all, weakBelow).cov(), LineChart.Shape.STAR);
            }
            sb.append(chart.toSvg());
        }
        if (!budgetCurves.isEmpty()) {
            sb.append(comparisonChart().toSvg());
        }
        sb.append("</div></section>").append(ReportPage.section("targets", "Targets"))
                .append("<table><tr><th class=\"l\">target</th><th>corpus support</th>")
                .append("<th>kept</th><th>tried</th><th class=\"l\">explanation</th></tr>");
        for (int t = 0; t < targets.size(); t++) {
            sb.append("<tr><td class=\"l\">").append(targets.get(t).ref()).append("</td><td>")
                    .append(corpus == null ? "" : corpus.support(t)).append("</td><td>")
                    .append(stats == null ? "" : stats.get(t).kept()).append("</td><td>")
                    .append(stats == null ? "" : stats.get(t).tried()).append("</td><td class=\"l\">");
            if (explanations != null) {
                explanation(sb, explanations.get(t));
            }
            sb.append("</td></tr>");
        }
        JsonObject settings = new JsonObject();
        settings.addProperty("weak_below", weakBelow);
        sb.append("</table></section>").append(ReportPage.provenance(provenance, settings)).append(ReportPage.END);
        return sb.toString();
    }

    /** The signature line, then the best context with its firing token highlighted. */
    private static void explanation(StringBuilder sb, FeatureExplanation e) {
        sb.append(escape(e.signatureSummary()));
        if (!e.contexts().isEmpty()) {
            FeatureExplanation.Snippet s = e.contexts().get(0).snippet();
            sb.append("<br/>context: ").append(escape(s.before()));
            if (!s.token().isEmpty()) {
                sb.append("<mark>").append(escape(s.token())).append("</mark>");
            }
            sb.append(escape(s.after()));
        }
    }

    /** The comparison figure: each set's mean Cov at each budget, its range over the seeds as error bars. */
    private LineChart comparisonChart() {
        LineChart chart = new LineChart("Cov vs budget", "examples", "Cov").logX().yRange(0, 1);
        for (var e : budgetCurves.entrySet()) {
            SamplingCurve c = e.getValue();
            double[] x = new double[c.budgets().length];
            for (int j = 0; j < x.length; j++) {
                x[j] = c.budgets()[j];
            }
            double[][] range = c.range();
            chart.series(e.getKey(), x, c.mean(), range[0], range[1]);
        }
        return chart;
    }

    private static void row(StringBuilder sb, String name, int examples, double cov) {
        sb.append("<tr><td class=\"l\">").append(escape(name)).append("</td><td>").append(examples)
                .append("</td><td>").append(String.format(java.util.Locale.ROOT, "%.4f", cov)).append("</td></tr>");
    }

    private static String escape(String s) {
        return Html.escape(s);
    }

    /** Writes the JSON to {@code json} and the page beside it ({@code .json} replaced by {@code .html}). */
    public void write(Path json) throws IOException {
        String name = json.getFileName().toString();
        Path html = json.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name)
                + ".html");
        AtomicWrite.writeString(json, GSON.toJson(toJson()) + "\n");
        AtomicWrite.writeString(html, toHtml());
    }
}
