package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ComputeDtype;

/**
 * On the demo model and the shipped multilingual sample, the demo's two classifiers (the top-5 rule of the best
 * layer, a logistic regression on every layer) trained and applied on bf16 features decide at least 98% of the
 * sample's texts as the same classifiers trained and applied on float32 features.
 */
class Bf16AgreementTest {

    private static final double MIN_AGREEMENT = 0.98;

    @TempDir
    Path temp;

    @Test
    void bf16AndFloat32BundlesDecideTheSampleAlike() throws Exception {
        List<String> texts = new ArrayList<>();
        try (RecordStream records = SampleCorpus.corpus().read()) {
            records.forEach(r -> texts.add(r.text()));
        }
        DemoAssets assets = DemoAssets.ensure(temp, texts, DemoShape.DEMO);
        SessionSpec spec = SessionSpec.of(assets.modelDir().toString(), assets.saeDir().toString(), assets.layers());
        List<TrainConfig> configs = List.of(
                new TrainConfig(Method.RULE, TrainConfig.LayerChoice.BEST, 0, 5, 1.0, 0.2, 42, false, null),
                new TrainConfig(Method.LOGREG, TrainConfig.LayerChoice.EACH, 0, 0, 1.0, 0.2, 42, false,
                        LinearSettings.defaults(Method.LOGREG, 42)));
        // Per dtype: the sample's features, each classifier trained on them and applied to them (the features a
        // bundle's own session would extract again, as its recorded settings, the dtype included, reproduce them).
        List<boolean[][]> decisions = new ArrayList<>();
        for (String dtype : List.of("f32", "bf16")) {
            boolean[][] decided = new boolean[configs.size()][texts.size()];
            try (FeatureSession session = FeatureSession.open(spec.withDtype(dtype));
                 RecordStream records = SampleCorpus.corpus().read()) {
                FeatureTables.Loaded loaded = FeatureTables.load(session, records, "features " + dtype,
                        CorpusPass.DEFAULT_CHUNK);
                FeatureTable table = loaded.table();
                assertEquals(texts.size(), table.size());
                for (int c = 0; c < configs.size(); c++) {
                    ClassifierBundle bundle = ClassifierTrainer.train(table, configs.get(c),
                            ExtractionProvenance.of(session), loaded.dataSha256(), "test").bundle();
                    assertEquals(dtype, bundle.sessionSpec(null, null, ComputeDtype.AUTO).dtype());
                    bundle.checkCompatible(session);
                    for (int row = 0; row < table.size(); row++) {
                        decided[c][row] = bundle.predict(table, row).toxic();
                    }
                }
            }
            decisions.add(decided);
        }
        for (int c = 0; c < configs.size(); c++) {
            int agree = 0;
            int[] toxic = new int[2];
            for (int row = 0; row < texts.size(); row++) {
                agree += decisions.get(0)[c][row] == decisions.get(1)[c][row] ? 1 : 0;
                toxic[0] += decisions.get(0)[c][row] ? 1 : 0;
                toxic[1] += decisions.get(1)[c][row] ? 1 : 0;
            }
            double agreement = agree / (double) texts.size();
            System.out.printf(Locale.ROOT, "bf16 vs f32 %s bundles on the demo model: decisions agree on %d of %d "
                    + "texts (%.1f%%; toxic: %d in f32, %d in bf16)%n", configs.get(c).method().id(), agree,
                    texts.size(), 100 * agreement, toxic[0], toxic[1]);
            assertTrue(agreement >= MIN_AGREEMENT, configs.get(c).method().id() + ": agreement " + agreement);
        }
    }
}
