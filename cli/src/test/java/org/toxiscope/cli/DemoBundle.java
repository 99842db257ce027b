package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;

/** The demo model and SAEs made from the sample corpus (no shared fixtures), and a logreg bundle trained at layer 1. */
record DemoBundle(String model, String sae, Path corpus, Path bundle) {

    static DemoBundle make(Path dir) throws Exception {
        Path corpus = SampleCorpus.copyTo(dir.resolve("data"));
        List<String> texts = new ArrayList<>();
        try (RecordStream records = Corpus.of(corpus, ColumnMapping.defaults()).read()) {
            records.forEach(r -> texts.add(r.text()));
        }
        DemoAssets assets = DemoAssets.ensure(dir.resolve("demo"), texts, DemoShape.DEMO);
        Path bundle = dir.resolve("logreg.tsc");
        CliRunner.Run train = CliRunner.run("train", "--model", assets.modelDir().toString(), "--sae",
                assets.saeDir().toString(), "--layer", "1", "--data", corpus.toString(), "--method", "logreg",
                "--dtype", "f32", "--output", bundle.toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, train.exit(), train.err());
        return new DemoBundle(assets.modelDir().toString(), assets.saeDir().toString(), corpus, bundle);
    }
}
