package org.toxiscope.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.List;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTables;
import org.toxiscope.common.Versions;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.extract.FeatureSession;

/**
 * A study's discovery and test data as feature tables, both extracted through one session, with what extracted them
 * and the provenance report.json records (tool, version, extraction with its runtime, files and their digests,
 * counts, seed).
 */
public record StudyInputs(StudyData data, ExtractionProvenance extraction, JsonObject provenance) {

    /**
     * Loads {@code train} and {@code test} (named {@code trainNames}/{@code testNames} in the provenance) through
     * {@code session} for {@code eval <command>}.
     */
    public static StudyInputs load(FeatureSession session, String command, Corpus train, List<String> trainNames,
                                   Corpus test, List<String> testNames, int chunk, long seed) throws IOException {
        FeatureTables.Loaded discovery = table(session, train, "eval " + command + ": discovery features", chunk);
        FeatureTables.Loaded held = table(session, test, "eval " + command + ": test features", chunk);
        StudyData study = StudyData.of(discovery.table(), held.table());
        ExtractionProvenance extraction = ExtractionProvenance.of(session);
        return new StudyInputs(study, extraction, provenance(command, study, extraction, trainNames,
                discovery.dataSha256(), testNames, held.dataSha256(), seed));
    }

    /**
     * What report.json records of a study of {@code command} on {@code study}: the tool, the extraction, the label,
     * both inputs with their digests and row counts, their counts per language and class, and the seed.
     */
    public static JsonObject provenance(String command, StudyData study, ExtractionProvenance extraction,
                                        List<String> trainNames, String trainSha256, List<String> testNames,
                                        String testSha256, long seed) {
        JsonObject p = new JsonObject();
        p.addProperty("tool", "toxiscope eval " + command);
        p.addProperty("version", Versions.toxiscope());
        p.add("extraction", EvalReport.gson().toJsonTree(extraction));
        p.addProperty("label", study.labelName());
        p.add("data", files(trainNames, trainSha256, study.trainRows().length));
        p.add("test", files(testNames, testSha256, study.testRows().length));
        p.add("data_counts", EvalReport.gson().toJsonTree(study.train().counts(0)));
        p.add("test_counts", EvalReport.gson().toJsonTree(study.test().counts(study.testLabel())));
        p.addProperty("seed", seed);
        return p;
    }

    private static FeatureTables.Loaded table(FeatureSession session, Corpus corpus, String task, int chunk)
            throws IOException {
        try (RecordStream records = corpus.read()) {
            return FeatureTables.load(session, records, task, chunk);
        }
    }

    private static JsonObject files(List<String> inputs, String sha256, int rows) {
        JsonObject o = new JsonObject();
        JsonArray names = new JsonArray();
        inputs.forEach(names::add);
        o.add("files", names);
        o.addProperty("sha256", sha256);
        o.addProperty("labelled_rows", rows);
        return o;
    }
}
