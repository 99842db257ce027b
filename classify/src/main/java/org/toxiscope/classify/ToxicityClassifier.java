package org.toxiscope.classify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.toxiscope.common.Digests;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ComputeDtype;

/**
 * In-process scoring of texts with a classifier bundle, the same predictions {@code label} writes: opens the bundle's
 * model and SAEs once, then scores lists of texts; safe to share between threads (calls run one at a time).
 */
public final class ToxicityClassifier implements AutoCloseable {

    /**
     * Where the bundle's model and SAE now live (null: as recorded), the device and dtype ({@code auto}: the
     * bundle's), the token limit (null: the bundle's; another is refused), the padded tokens per forward batch, and
     * whether to load the whole model (for generation and the logit lens).
     */
    public record Options(String model, String sae, String device, String dtype, Integer maxTokens, int batchTokens,
                          boolean wholeModel) {

        /** The bundle's own model and SAE on the CPU, in the bundle's dtype, default batching, blocks up to the SAEs. */
        public static Options defaults() {
            return new Options(null, null, "cpu", ComputeDtype.AUTO, null, SessionSpec.DEFAULT_BATCH_TOKENS, false);
        }

        public Options withModel(String otherModel, String otherSae) {
            return new Options(otherModel, otherSae, device, dtype, maxTokens, batchTokens, wholeModel);
        }

        public Options withRuntime(String otherDevice, String otherDtype) {
            return new Options(model, sae, otherDevice, otherDtype, maxTokens, batchTokens, wholeModel);
        }

        public Options withWholeModel() {
            return new Options(model, sae, device, dtype, maxTokens, batchTokens, true);
        }
    }

    /** A feature behind a positive primary decision: its contribution, token position (-1 unknown) and token. */
    public record TopFeature(int layer, int feature, double value, float activation, int position, String token) {
    }

    /**
     * One text's predictions, one per label (primary first), and with an explanation the primary label's top
     * features with their tokens (empty for a negative decision or when not asked).
     */
    public record Scores(List<Prediction> predictions, List<TopFeature> topFeatures) {

        public Scores {
            predictions = List.copyOf(predictions);
            topFeatures = List.copyOf(topFeatures);
        }

        /** The primary label's score. */
        public double toxicScore() {
            return predictions.get(0).score();
        }

        /** The primary label's decision. */
        public boolean toxic() {
            return predictions.get(0).toxic();
        }

        /** The prediction of the label named {@code label}. */
        public Prediction label(String label) {
            return predictions.stream().filter(p -> p.label().equals(label)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("no label '" + label + "'"));
        }
    }

    private final BundleSession session;
    private final String id;

    private ToxicityClassifier(BundleSession session, String id) {
        this.session = session;
        this.id = id;
    }

    /** Opens the bundle file with {@link Options#defaults()}. */
    public static ToxicityClassifier open(Path bundle) throws IOException {
        return open(bundle, Options.defaults());
    }

    /** Opens the bundle file and its session as {@code options} say. */
    public static ToxicityClassifier open(Path bundle, Options options) throws IOException {
        ClassifierBundle loaded = ClassifierBundle.load(bundle);
        String id = bundle.getFileName() + "@" + Digests.sha256(bundle).substring(0, 12);
        return new ToxicityClassifier(BundleSession.open(loaded, options.model(), options.sae(), options.device(),
                options.dtype(), options.maxTokens(), options.batchTokens(), options.wholeModel()), id);
    }

    /** The bundle's file name and the first 12 hex digits of its sha256. */
    public String id() {
        return id;
    }

    public ClassifierBundle bundle() {
        return session.bundle();
    }

    /** The dtype the model computes in ({@code f32} or {@code bf16}). */
    public String dtype() {
        return session.features().spec().dtype();
    }

    /** Each text's scores, in input order, without token strings for the top features. */
    public List<Scores> score(List<String> texts) throws IOException {
        return score(texts, false);
    }

    /**
     * Each text's scores, in input order; with {@code explain} the primary label's top features carry their token.
     * Texts are batched as {@code label} batches them, so a text's scores do not depend on the texts beside it.
     */
    public synchronized List<Scores> score(List<String> texts, boolean explain) throws IOException {
        List<TextRecord> records = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            records.add(new TextRecord(Integer.toString(i), texts.get(i), null, null, null, "request", i + 1));
        }
        FeatureSession features = session.features();
        List<Map<Integer, SparseVector>> pooled = features.pooled(texts);
        List<List<Prediction>> predictions = session.predict(new CorpusPass.Chunk(0, records, pooled, null));
        int[][] ids = explain ? features.tokenIds(texts) : null;
        List<Scores> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            List<TopFeature> top = new ArrayList<>();
            if (explain) {
                for (Contribution c : predictions.get(i).get(0).explanation()) {
                    String token = c.position() >= 0 && c.position() < ids[i].length
                            ? features.tokenizer().token(ids[i][c.position()]) : null;
                    top.add(new TopFeature(c.layer(), c.feature(), c.contribution(), c.activation(), c.position(),
                            token));
                }
            }
            out.add(new Scores(predictions.get(i), top));
        }
        return out;
    }

    /**
     * The tokens {@code text} takes in a batch (cut to the token limit); not serialised with scoring, since the
     * tokenizer library is safe to call from several threads.
     */
    public int tokenCount(String text) {
        FeatureSession features = session.features();
        int n = features.tokenizer().encode(text).length;
        int limit = features.spec().maxTokens();
        return limit > 0 ? Math.min(n, limit) : n;
    }

    /** Work on the session's model, tokenizer and SAEs. */
    public interface SessionWork<T> {
        T run(FeatureSession session) throws IOException;
    }

    /** Runs {@code work} on the session, one call at a time with scoring (the session is not thread-safe). */
    public synchronized <T> T withSession(SessionWork<T> work) throws IOException {
        return work.run(session.features());
    }

    @Override
    public synchronized void close() throws IOException {
        session.close();
    }
}
