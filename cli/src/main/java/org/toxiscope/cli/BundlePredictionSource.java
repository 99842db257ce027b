package org.toxiscope.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.eval.PredictionSource;
import org.toxiscope.eval.Predictions;
import org.toxiscope.eval.ScoredExample;

/** Predictions of a classifier bundle run over a labelled test corpus (model, SAE and classifier in one pass). */
final class BundlePredictionSource implements PredictionSource {

    private final Path bundlePath;
    private final ClassifierBundle bundle;
    private final Corpus corpus;
    private final BundleOptions options;
    /** What the evaluation's own session extracted with, known once {@link #read} ran. */
    private ExtractionProvenance extraction;

    BundlePredictionSource(Path bundlePath, Corpus corpus, BundleOptions options) throws IOException {
        this.bundlePath = bundlePath;
        this.bundle = ClassifierBundle.load(bundlePath);
        this.corpus = corpus;
        this.options = options;
    }

    @Override
    public Predictions read() throws IOException {
        List<ScoredExample> out = new ArrayList<>();
        try (BundleSession session = options.open(bundle); RecordStream records = corpus.read()) {
            extraction = ExtractionProvenance.of(session.features());
            CorpusPass.of("eval " + bundlePath.getFileName(), session.features(), CorpusPass.Need.POOLED)
                    .run(records, c -> {
                        List<List<Prediction>> predicted = session.predict(c);
                        for (int i = 0; i < c.records().size(); i++) {
                            TextRecord t = c.records().get(i);
                            if (t.toxic() == null) {
                                throw new IllegalArgumentException(t.file() + ":" + t.line()
                                        + ": no gold label (pass --label-column)");
                            }
                            var p = predicted.get(i).get(0);
                            out.add(new ScoredExample(t.id(), t.lang(), t.toxic(), p.score(), p.toxic()));
                        }
                    });
        }
        return Predictions.of(out);
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
        json.addProperty("data", corpus.files().toString());
        return json;
    }
}
