package org.toxiscope.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ClassifierTrainer;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTables;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.LinearSettings;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/**
 * The test classes' one classifier, built once per JVM: the demo model and SAEs, a logistic regression trained on
 * the shipped sample, saved as a two-label bundle (toxic, and an "insult" head that is the same classifier), opened
 * in f32 with the whole model (generation, logit lens).
 */
final class DemoBundle {

    private static ToxicityClassifier classifier;
    private static Path file;
    private static List<String> texts;

    private DemoBundle() {
    }

    static synchronized ToxicityClassifier classifier() {
        if (classifier == null) {
            try {
                build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classifier;
    }

    /** The bundle file. */
    static Path file() {
        classifier();
        return file;
    }

    /** The shipped sample's texts. */
    static List<String> texts() {
        classifier();
        return texts;
    }

    private static void build() throws IOException {
        List<String> sample = new ArrayList<>();
        try (RecordStream records = SampleCorpus.corpus().read()) {
            records.forEach(r -> sample.add(r.text()));
        }
        Path dir = Files.createDirectories(Path.of("target", "serve-demo"));
        DemoAssets assets = DemoAssets.ensure(dir, sample, DemoShape.DEMO);
        SessionSpec spec = SessionSpec.of(assets.modelDir().toString(), assets.saeDir().toString(), assets.layers())
                .withDtype("f32");
        TrainConfig config = new TrainConfig(Method.LOGREG, TrainConfig.LayerChoice.EACH, 0, 0, 1.0, 0.2, 42, false,
                LinearSettings.defaults(Method.LOGREG, 42));
        ClassifierBundle bundle;
        try (FeatureSession session = FeatureSession.open(spec); RecordStream records = SampleCorpus.corpus().read()) {
            FeatureTables.Loaded loaded = FeatureTables.load(session, records, "features", CorpusPass.DEFAULT_CHUNK);
            bundle = ClassifierTrainer.train(loaded.table(), config, ExtractionProvenance.of(session),
                    loaded.dataSha256(), "test").bundle();
        }
        LabelClassifier toxic = bundle.classifiers().get(0);
        ClassifierBundle twoLabels = new ClassifierBundle(bundle.method(), List.of(toxic,
                new LabelClassifier("insult", toxic.scorer(), toxic.thresholds(), toxic.scaling())),
                bundle.provenance(), bundle.metrics());
        file = dir.resolve("demo.tsc");
        twoLabels.save(file);
        texts = sample;
        classifier = ToxicityClassifier.open(file, ToxicityClassifier.Options.defaults().withWholeModel());
    }
}
