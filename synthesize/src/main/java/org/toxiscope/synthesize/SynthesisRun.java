package org.toxiscope.synthesize;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.lens.LensFeature;
import org.toxiscope.features.lens.LensResult;
import org.toxiscope.features.lens.QueryLens;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;

/**
 * Runs the feature-space commands (synthesize, its coverage, explain-feature) from their settings: opens one
 * whole-model {@link FeatureSession}, streams corpora through it with {@link CorpusPass} (progress and summary on
 * stderr), and writes the outputs.
 */
public final class SynthesisRun {

    /** Texts the Query Lens tokenizes and reads at a time (it batches them by positions itself). */
    private static final int LENS_TEXTS = 256;

    /** Tokens a seed-corpus text is cut to when steer continues corpus texts. */
    private static final int PROMPT_TOKENS = 32;

    /** Where synthesize wrote: the records and the coverage report. */
    public record Written(int records, Path output, Path report) {
    }

    private SynthesisRun() {
    }

    /**
     * Synthesizes for {@code inventory} (less what the seed corpus covers) into {@code job.output()}, labelling with
     * {@code bundle} (named {@code classifier} in the records); refuses before any generation a session that does
     * not extract as the bundle was trained. {@code opened} is handed the output writer once it is open, so a caller
     * can flush it when the process is interrupted.
     */
    public static Written synthesize(ModelChoice choice, ClassifierBundle bundle, String classifier,
                                     List<Target> inventory, SynthesisJob job, Consumer<CorpusWriter> opened)
            throws IOException {
        try (FeatureSession session = FeatureSession.open(choice.spec(bundle, inventory),
                "the targets and " + bundle.origin())) {
            ExtractionProvenance provenance = ExtractionProvenance.of(session);
            bundle.checkCompatible(session);
            FiringSets seedSets = new FiringSets(inventory);
            FeatureExplainer explainer = new FeatureExplainer(session, inventory, job.contexts());
            List<Target> todo = inventory;
            if (job.seedCorpus() != null) {
                long n = scan("synthesize", session, job.seedCorpus(), chunk -> {
                    seedSets.accept(chunk);
                    explainer.accept(chunk);
                });
                if (n == 0) {
                    throw new IllegalArgumentException("the seed corpus " + job.seedCorpus().display()
                            + " has no records");
                }
                Coverage seed = Coverage.of(seedSets, job.coverage().weakBelow());
                todo = seed.toSynthesize(inventory);
                System.err.printf("synthesize: seed corpus covers %d of %d targets (Cov %.4f); %d missing, %d weak%n",
                        seed.covered().size(), inventory.size(), seed.cov(), seed.missing().size(),
                        seed.weak().size());
                if (todo.isEmpty()) {
                    // The usual cause: the targets came from a classifier trained on this very corpus.
                    System.err.printf(Locale.ROOT, "synthesize: nothing to synthesize: the seed corpus fires every "
                            + "target at least as often as --weak-below %s; give targets it misses (--targets FILE, "
                            + "--discover DELTA), a seed corpus the targets were not found on (or a smaller sample), "
                            + "or leave out --seed-corpus to synthesize for every target%n",
                            job.coverage().weakBelow());
                }
            }
            List<FeatureExplanation> all = explainer.explain(job.signatureTokens());
            List<FeatureExplanation> todoExplained = new ArrayList<>();
            for (Target t : todo) {
                todoExplained.add(all.get(inventory.indexOf(t)));
            }
            if (job.describe() != null && !job.random() && job.lensTexts() > 0 && !todo.isEmpty()) {
                todoExplained = withQueryLens(session, explainer, todo, todoExplained, job);
                // The report shows each target as its prompts explained it.
                for (int i = 0; i < todo.size(); i++) {
                    all.set(inventory.indexOf(todo.get(i)), todoExplained.get(i));
                }
            }
            try (InstructModel instruct = InstructModel.open(session, job.needsInstruct() ? job.instructModel() : null)) {
                Responder responder = job.responseTokens() == null ? null
                        : new Responder(instruct.generator(), job.responseTokens());
                Map<String, String> records = recordProvenance(provenance, classifier, job.coverage().seed());
                Synthesizer synthesizer = new Synthesizer(source(session, instruct, job), new Verifier(session, bundle),
                        responder, new Synthesizer.Settings(job.samplesPerFeature(), job.maxTries(), records,
                        job.random()));
                // What a resume must match: the records' provenance, the generator, the targets and their budget.
                Map<String, String> madeBy = new LinkedHashMap<>(new TreeMap<>(records));
                madeBy.put("generator", job.generator());
                if (job.random()) {
                    madeBy.put("strategy", job.strategy());
                }
                madeBy.put("targets", todo.toString());
                madeBy.put("samples per feature", Integer.toString(job.samplesPerFeature()));
                madeBy.put("max tries", Integer.toString(job.maxTries()));
                if (job.seedCorpus() != null) {
                    madeBy.putAll(job.seedCorpus().describe());
                }
                write(synthesizer, todo, todoExplained, job, madeBy, opened);
            }
            return report(session, provenance, classifier, inventory, todo, all, job.seedCorpus() == null ? null
                    : seedSets, job);
        }
    }

    /**
     * The coverage of {@code inventory} by {@code data}, its report written to {@code output};
     * with {@code synthesized} (a name per synthesis output, in figure order) the report also compares Cov against
     * budget for natural sampling of the data and each synthesized set, at every set's size among the budgets.
     */
    public static Coverage coverage(ModelChoice choice, List<Target> inventory, Corpus data,
                                    Map<String, Path> synthesized, CoverageSettings settings, Path output)
            throws IOException {
        FiringSets sets = new FiringSets(inventory);
        Map<String, FiringSets> synthesizedSets = new LinkedHashMap<>();
        JsonObject provenance;
        try (FeatureSession session = FeatureSession.open(choice.spec(inventory), "the targets")) {
            scan("coverage", session, data, sets);
            for (var e : synthesized.entrySet()) {
                List<TextRecord> texts = SynthesisRecords.read(e.getValue()).texts(null);
                System.err.printf("coverage: %s: %,d records of %s%n", e.getKey(), texts.size(), e.getValue());
                synthesizedSets.put(e.getKey(), firing(session, inventory, texts));
            }
            provenance = reportProvenance(ExtractionProvenance.of(session));
        }
        provenance.add("data", data.provenancePaths());
        provenance.addProperty("seed", settings.seed());
        synthesized.forEach((name, file) -> provenance.addProperty(name, file.toString()));
        int[] sizes = synthesizedSets.values().stream().mapToInt(FiringSets::size).toArray();
        long[] seeds = SamplingCurve.seeds(settings.seed(), settings.curveSeeds());
        SamplingCurve natural = SamplingCurve.of(sets, SamplingCurve.defaultBudgets(sets.size(), sizes), seeds);
        CoverageReport report = new CoverageReport(inventory, provenance, settings.weakBelow())
                .corpus("corpus", sets, natural);
        if (!synthesizedSets.isEmpty()) {
            report.budgetCurve("natural sampling", natural);
            for (var e : synthesizedSets.entrySet()) {
                FiringSets s = e.getValue();
                report.synthesized(e.getKey(), s).budgetCurve(e.getKey(),
                        SamplingCurve.of(s, SamplingCurve.defaultBudgets(s.size(), sizes), seeds));
            }
        }
        report.write(output);
        return Coverage.of(sets, settings.weakBelow());
    }

    /**
     * The explanation of each target (token signature of {@code tokens} tokens, and with a {@code corpus} its top
     * {@code contexts} contexts and, with {@code queryLens}, its Query Lens reading over every text of the corpus,
     * {@code tokens} tokens per list), in target order. The Query Lens runs the model in f32.
     */
    public static List<FeatureExplanation> explain(ModelChoice choice, List<Target> targets, Corpus corpus,
                                                   int contexts, int tokens, boolean queryLens) throws IOException {
        if (queryLens && corpus == null) {
            throw new IllegalArgumentException("--query-lens needs --corpus (the texts the lens reads)");
        }
        SessionSpec spec = queryLens ? lensSpec(choice.spec(targets), "explain-feature") : choice.spec(targets);
        try (FeatureSession session = FeatureSession.open(spec)) {
            for (Target t : targets) {
                int dSae = session.sae(t.layer()).dSae();
                if (t.feature() >= dSae) {
                    throw new IllegalArgumentException("--feature " + t.feature() + " is outside the SAE's 0.."
                            + (dSae - 1));
                }
            }
            FeatureExplainer explainer = new FeatureExplainer(session, targets, contexts);
            if (corpus != null) {
                scan("explain-feature", session, corpus, explainer);
            }
            List<FeatureExplanation> explained = explainer.explain(tokens);
            if (!queryLens) {
                return explained;
            }
            List<LensResult> readings = queryLens("explain-feature", session, targets, corpus, 0);
            List<FeatureExplanation> out = new ArrayList<>(explained.size());
            for (int i = 0; i < explained.size(); i++) {
                out.add(explained.get(i).withQueryLens(explainer.reading(readings.get(i), tokens)));
            }
            return out;
        }
    }

    /**
     * Each target read by the Query Lens over the first {@code maxTexts} texts of {@code corpus} (0: every text),
     * progress on stderr under {@code task}; the session must run in f32 ({@link #lensSpec}).
     */
    public static List<LensResult> queryLens(String task, FeatureSession session, List<Target> targets,
                                             Corpus corpus, long maxTexts) throws IOException {
        List<LensFeature> features = new ArrayList<>(targets.size());
        for (Target t : targets) {
            features.add(new LensFeature(t.layer(), session.direction(t.layer(), t.feature(), false),
                    session.sae(t.layer()).encoderRow(t.feature())));
        }
        try (QueryLens lens = new QueryLens(session.model().sublayers(), features, session.manager());
             RecordStream records = corpus.read()) {
            long[] read = new long[1];
            RecordProgress progress = RecordProgress.toStderr(task + ": query lens",
                    () -> maxTexts > 0 ? (double) read[0] / maxTexts : records.progress());
            List<String> chunk = new ArrayList<>(LENS_TEXTS);
            Iterator<TextRecord> it = records.iterator();
            long texts = 0;
            while (it.hasNext() && (maxTexts <= 0 || texts < maxTexts)) {
                chunk.add(it.next().text());
                texts++;
                if (chunk.size() == LENS_TEXTS || !it.hasNext() || texts == maxTexts) {
                    lens.add(session.tokenIds(chunk));
                    chunk.clear();
                    read[0] = texts;
                    progress.stepTo(texts);
                }
            }
            progress.done(String.format(Locale.ROOT, "; %,d token positions", lens.positions()));
            if (lens.positions() == 0) {
                throw new IllegalArgumentException("the corpus " + corpus.display() + " has no tokens for the query "
                        + "lens to read");
            }
            List<LensResult> out = new ArrayList<>(targets.size());
            for (int i = 0; i < targets.size(); i++) {
                out.add(lens.result(i));
            }
            return out;
        }
    }

    /**
     * {@code spec} in f32, the dtype the Query Lens's Jacobian products are defined in (the convention); a
     * dtype given explicitly otherwise is said on stderr under {@code task}.
     */
    public static SessionSpec lensSpec(SessionSpec spec, String task) {
        if (ComputeDtype.F32.id().equals(spec.dtype())) {
            return spec;
        }
        if (!ComputeDtype.AUTO.equals(spec.dtype())) {
            System.err.println(task + ": the query lens runs the model in f32, not " + spec.dtype());
        }
        return spec.withDtype(ComputeDtype.F32.id());
    }

    /**
     * {@code explained} (of {@code todo}) with each one's Query Lens reading over the first {@code job.lensTexts()}
     * seed-corpus texts, for describe's prompts; unchanged, said on stderr, without a seed corpus. The lens runs in
     * f32: in the session itself when it is f32, else in an f32 session of its own, open only while the lens reads.
     */
    private static List<FeatureExplanation> withQueryLens(FeatureSession session, FeatureExplainer explainer,
                                                          List<Target> todo, List<FeatureExplanation> explained,
                                                          SynthesisJob job) throws IOException {
        if (job.seedCorpus() == null) {
            System.err.println("synthesize: no --seed-corpus, so describe's explanations have no Query Lens (it reads "
                    + "corpus texts)");
            return explained;
        }
        List<LensResult> readings;
        SessionSpec f32 = lensSpec(session.spec(), "synthesize");
        if (f32 == session.spec()) {
            readings = queryLens("synthesize", session, todo, job.seedCorpus(), job.lensTexts());
        } else {
            try (FeatureSession lensSession = FeatureSession.open(f32, "the targets")) {
                readings = queryLens("synthesize", lensSession, todo, job.seedCorpus(), job.lensTexts());
            }
        }
        List<FeatureExplanation> out = new ArrayList<>(explained.size());
        for (int i = 0; i < explained.size(); i++) {
            out.add(explained.get(i).withQueryLens(explainer.reading(readings.get(i), job.signatureTokens())));
        }
        return out;
    }

    /** Streams {@code corpus} through {@code session} into {@code sink}; returns the records read. */
    private static long scan(String task, FeatureSession session, Corpus corpus, CorpusPass.Sink sink)
            throws IOException {
        try (RecordStream records = corpus.read()) {
            return CorpusPass.of(task, session, CorpusPass.Need.FULL).run(records, sink).records();
        }
    }

    /** Which examples of {@code records} fire each target (no progress: these are the run's own few records). */
    private static FiringSets firing(FeatureSession session, List<Target> inventory, List<TextRecord> records) {
        FiringSets sets = new FiringSets(inventory);
        CorpusPass.of("synthesize", session, CorpusPass.Need.FULL).chunks(records.iterator())
                .forEachRemaining(sets::accept);
        return sets;
    }

    private static void write(Synthesizer synthesizer, List<Target> todo, List<FeatureExplanation> explanations,
                              SynthesisJob job, Map<String, String> madeBy, Consumer<CorpusWriter> opened)
            throws IOException {
        try (CorpusWriter out = CorpusWriter.open(job.output(), Synthesizer.COLUMNS,
                new OutputPolicy(job.existing(), madeBy))) {
            opened.accept(out);
            if (out.doneCount() > 0) {
                System.err.printf("synthesize: resuming after %,d records%n", out.doneCount());
            }
            // the share of the targets' budgets used is what is known of the total: a target ends at its samples or
            // its tries, whichever comes first
            double[] share = {0};
            long[] before = {0};
            int[] current = {-1};
            int[] currentKept = {0};
            RecordProgress progress = RecordProgress.toStderr("synthesize", () -> share[0]);
            synthesizer.run(todo, explanations, out, (i, total, target, kept, tried) -> {
                if (i != current[0]) {
                    before[0] += currentKept[0];
                    current[0] = i;
                }
                currentKept[0] = kept;
                double within = tried < 0 ? 1 : Math.max((double) kept / job.samplesPerFeature(),
                        (double) tried / job.maxTries());
                share[0] = (i + Math.min(1, within)) / total;
                progress.note(String.format(Locale.ROOT, "target %d/%d %s: %s", i + 1, total, target, tried < 0
                        ? "done in an earlier run" : "kept " + kept + "/" + job.samplesPerFeature() + ", tried "
                        + tried + "/" + job.maxTries()));
                progress.stepTo(before[0] + kept);
            });
            progress.done(String.format(Locale.ROOT, "; %,d targets", todo.size()));
            out.commit();
        }
    }

    private static CandidateSource source(FeatureSession session, InstructModel instruct, SynthesisJob job)
            throws IOException {
        if (job.steer() != null) {
            SteerSettings steer = job.steer();
            if (job.random()) {
                // Random synthesis: the same prompts and sampling, steered by nothing.
                steer = new SteerSettings(new double[] {0}, steer.unitNorm(), steer.generatedOnly(), steer.greedy(),
                        steer.temperature(), steer.topP(), steer.topK(), steer.seed(), steer.maxNewTokens(),
                        steer.batch());
            }
            return new SteerGenerator(session, steer, job.promptsFromCorpus()
                    ? corpusPrompts(session.tokenizer(), job.seedCorpus(), job.maxPrompts()) : SeedPrompt.TEMPLATES);
        }
        return new DescribeGenerator(instruct.generator(), job.describe(), job.random());
    }

    /** The first {@code max} non-empty texts of {@code corpus}, cut to {@link #PROMPT_TOKENS} tokens. */
    private static List<SeedPrompt> corpusPrompts(QwenTokenizer tokenizer, Corpus corpus, int max) {
        List<SeedPrompt> out = new ArrayList<>();
        try (RecordStream records = corpus.read()) {
            for (TextRecord r : records) {
                if (out.size() == max) {
                    break;
                }
                int[] ids = tokenizer.encode(r.text());
                if (ids.length > 0) {
                    out.add(new SeedPrompt(tokenizer.decode(Arrays.copyOf(ids, Math.min(ids.length, PROMPT_TOKENS))),
                            r.lang()));
                }
            }
        }
        return out;
    }

    /** The model, SAE, classifier and seed columns of every record, from what the session really extracts with. */
    private static Map<String, String> recordProvenance(ExtractionProvenance p, String classifier, long seed) {
        return Map.of(
                "model", p.modelId() + " (config sha256 " + p.modelConfigSha256() + ")",
                "sae", p.saeId() + " (" + p.saeSha256() + "; k " + p.k() + ", relu " + p.relu() + ", pooling "
                        + p.pooling() + ", max_tokens " + p.tokenLimit() + ", dtype " + p.computeDtype() + ")",
                "classifier", classifier,
                "seed", Long.toString(seed),
                "runtime", String.valueOf(p.runtime()));
    }

    /** The model, SAE and dtype of a coverage report's provenance. */
    private static JsonObject reportProvenance(ExtractionProvenance p) {
        JsonObject provenance = new JsonObject();
        provenance.addProperty("model", p.modelId());
        provenance.addProperty("sae", p.saeId());
        provenance.addProperty("dtype", p.computeDtype());
        provenance.add("runtime", new Gson().toJsonTree(p.runtime()));
        return provenance;
    }

    private static Written report(FeatureSession session, ExtractionProvenance extraction, String classifier,
                                  List<Target> inventory, List<Target> todo, List<FeatureExplanation> explanations,
                                  FiringSets seedSets, SynthesisJob job) throws IOException {
        SynthesisRecords records = SynthesisRecords.read(job.output());
        JsonObject provenance = reportProvenance(extraction);
        provenance.addProperty("classifier", classifier);
        provenance.addProperty("output", job.output().toString());
        provenance.addProperty("generator", job.generator());
        provenance.addProperty("strategy", job.strategy());
        provenance.addProperty("samples_per_feature", job.samplesPerFeature());
        provenance.addProperty("max_tries", job.maxTries());
        provenance.addProperty("seed", job.coverage().seed());
        CoverageReport coverage = new CoverageReport(inventory, provenance, job.coverage().weakBelow())
                .targetStats(records.stats(inventory, todo, job.samplesPerFeature(), job.maxTries()))
                .explanations(explanations);
        List<Integer> budgets = new ArrayList<>();
        FiringSets synthesized = firing(session, inventory, records.texts(null));
        coverage.synthesized("all", synthesized);
        budgets.add(synthesized.size());
        if (records.generators().size() > 1) {
            for (String g : records.generators()) {
                FiringSets sets = firing(session, inventory, records.texts(g));
                coverage.synthesized(g, sets);
                budgets.add(sets.size());
            }
        }
        if (seedSets != null) {
            coverage.corpus("seed corpus", seedSets, SamplingCurve.of(seedSets, SamplingCurve.defaultBudgets(
                    seedSets.size(), budgets.stream().mapToInt(Integer::intValue).toArray()),
                    SamplingCurve.seeds(job.coverage().seed(), job.coverage().curveSeeds())));
        }
        coverage.write(job.report());
        return new Written(records.entries().size(), job.output(), job.report());
    }

    /** A chat model for describe and responses: the session's own, or another one it opens and closes itself. */
    private record InstructModel(TextGenerator generator, ModelCheckpoint checkpoint, LanguageModel model,
                                 QwenTokenizer tokenizer) implements AutoCloseable {

        /** {@code other} null or the session's model: the session's model. */
        static InstructModel open(FeatureSession session, String other) throws IOException {
            if (other == null || other.equals(session.spec().model())) {
                return new InstructModel(new TextGenerator(session.model(), session.tokenizer(), session.manager()),
                        null, null, null);
            }
            ModelCheckpoint checkpoint = ModelCheckpoint.open(other);
            QwenTokenizer tokenizer = null;
            try {
                // The tokenizer before the weights: one that does not fit the model is refused before the load.
                tokenizer = checkpoint.tokenizer();
                LanguageModel lm = checkpoint.load(Devices.parse(session.spec().device()), session.model().dtype(), -1);
                return new InstructModel(new TextGenerator(lm, tokenizer, session.manager()), checkpoint, lm,
                        tokenizer);
            } catch (IOException | RuntimeException e) {
                if (tokenizer != null) {
                    tokenizer.close();
                }
                checkpoint.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (checkpoint != null) {
                tokenizer.close();
                model.close();
                checkpoint.close();
            }
        }
    }
}
