package org.toxiscope.synthesize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.toxiscope.datasets.CorpusWriter;

/**
 * The synthesis loop: for each target in order, batches of candidates from the generator until
 * {@code samplesPerFeature} are kept or {@code maxTriesPerFeature} were tried; each kept candidate (verified to fire
 * its target) is labelled, optionally answered, and written as one record with id {@code L<layer>:f<feature>#<k>}.
 * Batches are deterministic, so a resumed run regenerates an unfinished target identically and skips the records
 * already written (record k of target t sits at output position t * samplesPerFeature + k): the output ends
 * byte-identical to an uninterrupted run. With {@code keepAll} (random synthesis, which targets nothing) every
 * candidate is kept unverified, so each target slot holds {@code samplesPerFeature} candidates: the budget of a
 * feature-driven run that fills its targets.
 */
public final class Synthesizer {

    /** Output columns, in order. */
    public static final List<String> COLUMNS = List.of("id", "text", "prompt", "completion", "response",
            "target_layer", "target_feature", "generator", "style", "alpha", "feature_activation", "feature_position",
            "label", "score", "lang", "attempt", "explanation", "model", "sae", "classifier", "seed", "settings");

    /** Provenance shared by every record: model, SAE, classifier and seed, by column name. */
    public record Settings(int samplesPerFeature, int maxTriesPerFeature, Map<String, String> provenance,
                           boolean keepAll) {

        /** Feature-driven: only candidates that fire their target are kept. */
        public Settings(int samplesPerFeature, int maxTriesPerFeature, Map<String, String> provenance) {
            this(samplesPerFeature, maxTriesPerFeature, provenance, false);
        }

        public Settings {
            if (samplesPerFeature <= 0 || maxTriesPerFeature <= 0) {
                throw new IllegalArgumentException("samples per feature and tries per feature must be > 0");
            }
            provenance = Map.copyOf(provenance);
        }
    }

    /** Told after every batch, and with {@code tried} -1 for a target an earlier run finished. */
    public interface Progress {
        void update(int targetIndex, int targets, Target target, int kept, int tried);
    }

    private final CandidateSource source;
    private final Verifier verifier;
    private final Responder responder;
    private final Settings settings;

    /** {@code responder} may be null (no responses). */
    public Synthesizer(CandidateSource source, Verifier verifier, Responder responder, Settings settings) {
        this.source = source;
        this.verifier = verifier;
        this.responder = responder;
        this.settings = settings;
    }

    public static String recordId(Target target, int k) {
        return target.ref() + "#" + k;
    }

    /** Runs every target (explanations in the same order) into {@code out}. */
    public void run(List<Target> targets, List<FeatureExplanation> explanations, CorpusWriter out,
                                  Progress progress) throws IOException {
        if (!out.columns().equals(COLUMNS)) {
            throw new IllegalArgumentException("the output writer has columns " + out.columns() + ", not " + COLUMNS);
        }
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            if (out.isDone(position(t, settings.samplesPerFeature() - 1))) {
                progress.update(t, targets.size(), target, settings.samplesPerFeature(), -1);
                continue;
            }
            runTarget(t, targets.size(), target, explanations.get(t), out, progress);
        }
    }

    /** Where record {@code k} of the {@code t}-th target goes in the writer's order, whether or not all are kept. */
    private long position(int t, int k) {
        return (long) t * settings.samplesPerFeature() + k;
    }

    private void runTarget(int index, int total, Target target, FeatureExplanation explanation,
                                   CorpusWriter out, Progress progress) throws IOException {
        int kept = 0;
        int tried = 0;
        for (int batch = 0; kept < settings.samplesPerFeature() && tried < settings.maxTriesPerFeature(); batch++) {
            List<Candidate> candidates = source.batch(target, explanation, batch, tried);
            if (candidates.isEmpty()) {
                break;
            }
            List<Verdict> verdicts = verifier.verify(target, candidates);
            List<Candidate> keep = new ArrayList<>();
            List<Verdict> keepVerdicts = new ArrayList<>();
            for (int i = 0; i < candidates.size() && kept + keep.size() < settings.samplesPerFeature()
                    && tried < settings.maxTriesPerFeature(); i++) {
                tried++;
                if (settings.keepAll() || verdicts.get(i).fires()) {
                    keep.add(candidates.get(i));
                    keepVerdicts.add(verdicts.get(i));
                }
            }
            List<String> responses = responder == null ? null : responder.respond(
                    keep.stream().map(Candidate::text).toList(), keepVerdicts.stream().map(Verdict::label).toList());
            for (int i = 0; i < keep.size(); i++) {
                String id = recordId(target, kept + i);
                if (!out.isDone(position(index, kept + i))) {
                    out.write(position(index, kept + i), values(id, target, explanation, keep.get(i), keepVerdicts.get(i),
                            responses == null ? null : responses.get(i)));
                }
            }
            kept += keep.size();
            progress.update(index, total, target, kept, tried);
        }
    }

    private List<String> values(String id, Target target, FeatureExplanation explanation, Candidate c, Verdict v,
                                String response) {
        Map<String, String> p = settings.provenance();
        StringBuilder generatorSettings = new StringBuilder();
        source.provenance().forEach((k, val) -> generatorSettings.append(generatorSettings.length() == 0 ? "" : ";")
                .append(k).append('=').append(val));
        return Arrays.asList(id, c.text(), c.prompt(), c.completion(), response,
                Integer.toString(target.layer()), Integer.toString(target.feature()), source.name(), c.style(),
                Double.isNaN(c.alpha()) ? null : Double.toString(c.alpha()), Float.toString(v.activation()),
                Integer.toString(v.position()), v.label(), Double.toString(v.score()), c.lang(),
                Integer.toString(c.attempt()), settings.keepAll() ? null : explanation.summary(), p.get("model"),
                p.get("sae"),
                p.get("classifier"), p.get("seed"), generatorSettings.toString());
    }
}
