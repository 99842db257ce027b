package org.toxiscope.cli;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.eval.PredictionSource;
import org.toxiscope.eval.Predictions;
import org.toxiscope.eval.ScoredExample;

/** Predictions of a classifier bundle run over a labelled test corpus (model, SAE and classifier in one pass). */
final class BundlePredictionSource implements PredictionSource {

    private static final int CHUNK = 256;

    private final Path bundlePath;
    private final ClassifierBundle bundle;
    private final Corpus corpus;
    private final String model;
    private final String sae;
    private final Device device;

    BundlePredictionSource(Path bundlePath, Corpus corpus, String model, String sae, Device device) throws IOException {
        this.bundlePath = bundlePath;
        this.bundle = ClassifierBundle.load(bundlePath);
        this.corpus = corpus;
        this.model = model;
        this.sae = sae;
        this.device = device;
    }

    @Override
    public Predictions read() throws IOException {
        List<ScoredExample> out = new ArrayList<>();
        try (BundleSession session = BundleSession.open(bundle, model, sae, device, 0, 4096);
             RecordStream records = corpus.read()) {
            RecordProgress progress = RecordProgress.toStderr("eval " + bundlePath.getFileName(), records::progress);
            List<TextRecord> batch = new ArrayList<>(CHUNK);
            while (records.hasNext()) {
                TextRecord r = records.next();
                if (r.toxic() == null) {
                    throw new IllegalArgumentException(r.file() + ":" + r.line() + ": no gold label (pass --label-column)");
                }
                batch.add(r);
                if (batch.size() == CHUNK || !records.hasNext()) {
                    List<List<Prediction>> predicted = session.predict(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        var p = predicted.get(i).get(0);
                        TextRecord t = batch.get(i);
                        out.add(new ScoredExample(t.id(), t.lang(), t.toxic(), p.score(), p.toxic()));
                        progress.step();
                    }
                    batch.clear();
                }
            }
            progress.done();
        }
        return Predictions.of(out);
    }

    @Override
    public JsonObject provenance() {
        JsonObject json = new JsonObject();
        json.addProperty("bundle", bundlePath.toAbsolutePath().toString());
        json.addProperty("method", bundle.method().id());
        json.add("provenance", new Gson().toJsonTree(bundle.provenance()));
        json.addProperty("data", corpus.files().toString());
        return json;
    }
}
