package org.toxiscope.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.eval.PredictionSource;
import org.toxiscope.eval.Predictions;
import org.toxiscope.eval.ScoredExample;

/**
 * Predictions of a classifier bundle run over a labelled test corpus (model, SAE and classifier in one pass), for
 * every head scored: {@link #read} gives the first, {@link #byLabel} all of them, from the same one pass.
 */
final class BundlePredictionSource implements PredictionSource {

    private final Path bundlePath;
    private final ClassifierBundle bundle;
    private final Corpus corpus;
    private final BundleOptions options;
    private final EvalLabels labels;
    /** What the evaluation's own session extracted with, known once {@link #read} ran. */
    private ExtractionProvenance extraction;
    private Map<String, Predictions> byLabel;

    /**
     * The bundle at bundlePath on data read with mapping (its label columns replaced by the heads' gold columns),
     * scoring the heads {@code labelColumns} names (see {@link EvalLabels#choose}).
     */
    BundlePredictionSource(Path bundlePath, List<String> data, ColumnMapping mapping, List<String> labelColumns,
                           BundleOptions options) throws IOException {
        this.bundlePath = bundlePath;
        this.bundle = ClassifierBundle.load(bundlePath);
        this.labels = EvalLabels.choose(bundlePath, bundle.labelNames(), labelColumns, Corpus.of(data, mapping));
        this.corpus = Corpus.of(data, mapping.withLabels(labels.goldColumns()));
        this.options = options;
    }

    /** The heads scored and the bundle's labels left out for want of a gold column. */
    EvalLabels labels() {
        return labels;
    }

    /** Whether the bundle has more than one label (head). */
    boolean multiLabel() {
        return bundle.labelNames().size() > 1;
    }

    @Override
    public Predictions read() throws IOException {
        return byLabel().values().iterator().next();
    }

    /** Every scored head's predictions by head name, in the order chosen; one model pass for all. */
    Map<String, Predictions> byLabel() throws IOException {
        if (byLabel != null) {
            return byLabel;
        }
        List<Integer> heads = labels.heads().stream().map(bundle.labelNames()::indexOf).toList();
        List<String> gold = labels.goldColumns();
        List<List<ScoredExample>> out = new ArrayList<>();
        heads.forEach(h -> out.add(new ArrayList<>()));
        try (BundleSession session = options.open(bundle); RecordStream records = corpus.read()) {
            extraction = ExtractionProvenance.of(session.features());
            CorpusPass.of("eval " + bundlePath.getFileName(), session.features(), CorpusPass.Need.POOLED)
                    .run(records, c -> {
                        List<List<Prediction>> predicted = session.predict(c);
                        for (int i = 0; i < c.records().size(); i++) {
                            TextRecord t = c.records().get(i);
                            for (int k = 0; k < heads.size(); k++) {
                                Boolean g = gold.isEmpty() ? t.toxic() : t.labels().get(gold.get(k));
                                if (g == null) {
                                    throw new IllegalArgumentException(t.file() + ":" + t.line()
                                            + ": no gold label (pass --label-column)");
                                }
                                Prediction p = predicted.get(i).get(heads.get(k));
                                out.get(k).add(new ScoredExample(t.id(), t.lang(), g, p.score(), p.toxic()));
                            }
                        }
                    });
        }
        Map<String, Predictions> result = new LinkedHashMap<>();
        for (int k = 0; k < heads.size(); k++) {
            result.put(labels.heads().get(k), Predictions.of(out.get(k)));
        }
        byLabel = result;
        return result;
    }

    @Override
    public JsonObject provenance() {
        JsonObject json = new JsonObject();
        json.addProperty("bundle", bundlePath.toAbsolutePath().toString());
        json.addProperty("method", bundle.method().id());
        json.add("provenance", new Gson().toJsonTree(bundle.provenance()));
        if (extraction != null) {
            json.add("extraction", new Gson().toJsonTree(extraction));
        }
        json.add("data", corpus.provenancePaths());
        if (multiLabel()) {
            JsonArray scored = new JsonArray();
            labels.heads().forEach(scored::add);
            json.add("scored_labels", scored);
        }
        return json;
    }
}
