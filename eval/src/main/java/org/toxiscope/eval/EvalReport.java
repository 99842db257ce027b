package org.toxiscope.eval;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.toxiscope.common.AtomicWrite;

/**
 * An evaluation report of one or more classifiers on the same test set, written as a folder: {@value #REPORT_JSON}
 * (every number, the settings and the caller's provenance), {@value #PER_LANGUAGE_CSV} (see {@link PerLanguageCsv})
 * and {@value #INDEX_HTML} (one self-contained page with inline SVG charts, no script, no external reference).
 * Extra figures (data efficiency, layer-wise F1, Jaccard heatmaps, transfer, composition gain) are added as sections.
 */
public final class EvalReport {

    public static final String REPORT_JSON = "report.json";
    public static final String PER_LANGUAGE_CSV = "per_language.csv";
    public static final String INDEX_HTML = "index.html";
    /** Value of report.json's "format" field; bumped when its layout changes incompatibly. */
    public static final String FORMAT = "toxiscope-eval-report/1";

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    private final String title;
    private final JsonObject provenance;
    private final MetricsConfig config;
    private final List<ClassifierEvaluation> classifiers = new ArrayList<>();
    private final List<ReportSection> sections = new ArrayList<>();
    private final List<MultiLabelEvaluation> multiLabel = new ArrayList<>();

    /**
     * A report titled title; provenance describes the bundles and the data (free-form JSON, copied into report.json
     * and shown on the page); config is the one the metrics were computed with.
     */
    public EvalReport(String title, JsonObject provenance, MetricsConfig config) {
        this.title = title;
        this.provenance = provenance.deepCopy();
        this.config = config;
    }

    /** Adds one classifier's evaluation; names must be unique within a report. */
    public EvalReport add(ClassifierEvaluation evaluation) {
        for (ClassifierEvaluation e : classifiers) {
            if (e.name().equals(evaluation.name())) {
                throw new IllegalArgumentException("report already has a classifier named " + evaluation.name());
            }
        }
        classifiers.add(evaluation);
        return this;
    }

    /**
     * Adds the per-label metrics of a multi-label classifier: written as report.json's "labels" array and a
     * "Per label" section of the page (both absent from a report without any).
     */
    public EvalReport addLabels(MultiLabelEvaluation evaluation) {
        multiLabel.add(evaluation);
        return this;
    }

    /** Adds a section of charts shown after the standard ones, in the order added; caption may be empty. */
    public EvalReport addSection(String title, String caption, Chart... charts) {
        sections.add(new ReportSection(title, caption, List.copyOf(Arrays.asList(charts))));
        return this;
    }

    public List<ClassifierEvaluation> classifiers() {
        return List.copyOf(classifiers);
    }

    /** The Gson that writes report.json (snake_case names, nulls kept): use it to compare with a recomputation. */
    public static Gson gson() {
        return GSON;
    }

    /** The content of report.json. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("title", title);
        o.add("provenance", provenance.deepCopy());
        o.add("settings", GSON.toJsonTree(config));
        o.addProperty("null_means", "undefined: the metric's denominator is zero (e.g. recall or AUROC without toxic "
                + "examples, any metric of a language without rows); calibration is null when a score lies "
                + "outside [0,1]");
        o.addProperty("unknown_language_key", Predictions.UNKNOWN_LANGUAGE);
        o.add("classifiers", GSON.toJsonTree(classifiers));
        if (!multiLabel.isEmpty()) {
            o.add("labels", GSON.toJsonTree(multiLabel));
        }
        JsonArray extra = new JsonArray();
        for (ReportSection s : sections) {
            JsonObject j = new JsonObject();
            j.addProperty("title", s.title());
            j.addProperty("caption", s.caption());
            JsonArray charts = new JsonArray();
            s.charts().forEach(c -> charts.add(c.toJson()));
            j.add("charts", charts);
            extra.add(j);
        }
        o.add("sections", extra);
        return o;
    }

    /** The content of index.html. */
    public String toHtml() {
        return new ReportHtml(title, provenance, config, classifiers, multiLabel, sections).render();
    }

    /** The content of per_language.csv. */
    public String toCsv() {
        return PerLanguageCsv.render(classifiers);
    }

    /** Writes the three files into dir (created if needed), each under a temporary name renamed when complete. */
    public void write(Path dir) throws IOException {
        if (classifiers.isEmpty()) {
            throw new IllegalStateException("report " + title + " has no classifier to write");
        }
        AtomicWrite.writeString(dir.resolve(REPORT_JSON), GSON.toJson(toJson()) + "\n");
        AtomicWrite.writeString(dir.resolve(PER_LANGUAGE_CSV), toCsv());
        AtomicWrite.writeString(dir.resolve(INDEX_HTML), toHtml());
    }
}
