package org.toxiscope.synthesize.dashboard;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.lens.LensResult;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;
import org.toxiscope.synthesize.FeatureExplainer;
import org.toxiscope.synthesize.FeatureExplanation;
import org.toxiscope.synthesize.ModelChoice;
import org.toxiscope.synthesize.SynthesisRun;
import org.toxiscope.synthesize.Target;
import org.toxiscope.synthesize.TextGenerator;

/**
 * Builds a dashboard: checks the output folder, opens one f32 whole-model session (the Query Lens's dtype), streams
 * the corpus once with every token's codes into the activation counts and the explainer, reads the Query Lens over
 * the first texts, generates the steering previews (greedy), and writes the site.
 */
public final class DashboardRun {

    private static final String TASK = "dashboard";

    private DashboardRun() {
    }

    /**
     * The dashboard of {@code targets} over {@code corpus} written to {@code output};
     * {@code bundle} (or null) gives the session's recorded settings where the targets came from it.
     */
    public static Path run(ModelChoice choice, ClassifierBundle bundle, List<Target> targets, Corpus corpus,
                           DashboardSettings settings, Path output, boolean overwrite)
            throws IOException {
        DashboardSite.checkOutput(output, overwrite);
        SessionSpec spec = SynthesisRun.lensSpec(bundle == null ? choice.spec(targets) : choice.spec(bundle, targets),
                TASK);
        try (FeatureSession session = FeatureSession.open(spec, bundle == null ? "the features" : bundle.origin())) {
            for (Target t : targets) {
                int dSae = session.sae(t.layer()).dSae();
                if (t.feature() >= dSae) {
                    throw new IllegalArgumentException("feature " + t + " is outside the SAE's 0.." + (dSae - 1));
                }
            }
            ActivationStats stats = new ActivationStats(targets);
            FeatureExplainer explainer = new FeatureExplainer(session, targets, settings.contexts());
            long records;
            try (RecordStream stream = corpus.read()) {
                records = CorpusPass.of(TASK, session, CorpusPass.Need.PER_TOKEN).run(stream, chunk -> {
                    stats.accept(chunk);
                    explainer.accept(chunk);
                }).records();
            }
            if (records == 0) {
                throw new IllegalArgumentException("the corpus " + corpus.display() + " has no records");
            }
            List<FeatureExplanation> explained = explainer.explain(settings.tokens());
            List<LensResult> lens = SynthesisRun.queryLens(TASK, session, targets, corpus, settings.lensTexts());
            List<List<FeatureDashboard.Preview>> previews = previews(session, targets, settings);
            List<FeatureDashboard> pages = new ArrayList<>();
            for (int t = 0; t < targets.size(); t++) {
                Target target = targets.get(t);
                pages.add(new FeatureDashboard(target.layer(), target.feature(),
                        Double.isNaN(target.relevance()) ? null : target.relevance(), target.source(), stats.counts(t),
                        explained.get(t).withQueryLens(explainer.reading(lens.get(t), settings.tokens())),
                        previews.get(t)));
            }
            JsonObject provenance = new JsonObject();
            ExtractionProvenance p = ExtractionProvenance.of(session);
            provenance.addProperty("model", p.modelId());
            provenance.addProperty("sae", p.saeId());
            provenance.addProperty("dtype", p.computeDtype());
            provenance.add("corpus", corpus.provenancePaths());
            if (bundle != null) {
                provenance.addProperty("classifier", bundle.origin());
            }
            DashboardSite.write(output, pages, provenance, settings);
            return output.resolve(DashboardSite.INDEX);
        }
    }

    /**
     * Each target's greedy continuations of every prefix at every alpha (raw decoder direction, every position); alpha
     * 0 adds nothing, so its continuations are generated once and shared.
     */
    private static List<List<FeatureDashboard.Preview>> previews(FeatureSession session, List<Target> targets,
                                                                 DashboardSettings settings) throws IOException {
        TextGenerator generator = new TextGenerator(session.model(), session.tokenizer(), session.manager());
        int[][] prompts = session.tokenizer().encodeAll(settings.prefixes());
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i].length == 0) {
                throw new IllegalArgumentException("--prefix '" + settings.prefixes().get(i) + "' has no tokens");
            }
        }
        Generator.checkLength(session.model().config(), prompts, settings.previewTokens(), "--preview-tokens");
        String[] unsteered = null;
        List<List<FeatureDashboard.Preview>> out = new ArrayList<>();
        RecordProgress progress = RecordProgress.toStderr(TASK + ": steering previews",
                () -> (double) out.size() / targets.size());
        for (Target target : targets) {
            float[] direction = session.direction(target.layer(), target.feature(), false);
            List<FeatureDashboard.Preview> rows = new ArrayList<>();
            for (double alpha : settings.alphas()) {
                String[] texts = alpha == 0 ? unsteered : null;
                if (texts == null) {
                    float[] add = new float[direction.length];
                    for (int i = 0; i < add.length; i++) {
                        add[i] = (float) (alpha * direction[i]);
                    }
                    Steering steering = alpha == 0 ? Steering.NONE : new Steering(Map.of(target.layer(), add), 0);
                    int[][] generated = generator.generateTokens(prompts, settings.previewTokens(), Sampling.GREEDY,
                            steering);
                    texts = new String[generated.length];
                    for (int i = 0; i < generated.length; i++) {
                        texts[i] = session.tokenizer().decode(generated[i]);
                    }
                    if (alpha == 0) {
                        unsteered = texts;
                    }
                }
                for (int i = 0; i < texts.length; i++) {
                    rows.add(new FeatureDashboard.Preview(settings.prefixes().get(i), alpha, texts[i]));
                }
            }
            out.add(rows);
            progress.stepTo(out.size());
        }
        progress.done();
        return out;
    }
}
