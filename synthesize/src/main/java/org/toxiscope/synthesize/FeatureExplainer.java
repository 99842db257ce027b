package org.toxiscope.synthesize;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.extract.TokenCodes;
import org.toxiscope.features.lens.LensResult;
import org.toxiscope.features.model.QwenTokenizer;

/**
 * Explains targets: the token signature is the top of {@code unembed(W_dec[:, f])} (logit lens of the raw decoder
 * direction); the contexts are the corpus examples with the largest max-pooled activation, cut to a window of
 * tokens around the argmax token (with every window token's activation when the pass carries per-token codes).
 * Feed corpus examples with {@link #add} (or as the sink of a full {@link CorpusPass}), then read {@link #explain}.
 */
public final class FeatureExplainer implements CorpusPass.Sink {

    /** Snippet half-width in tokens around the firing token. */
    public static final int WINDOW = 12;

    private final FeatureSession session;
    private final List<Target> targets;
    private final int topContexts;
    private final List<PriorityQueue<FeatureExplanation.Context>> best = new ArrayList<>();

    /** {@code session} must hold the whole model (the logit lens needs the head) and every target layer's SAE. */
    public FeatureExplainer(FeatureSession session, List<Target> targets, int topContexts) {
        this.session = session;
        this.targets = List.copyOf(targets);
        this.topContexts = topContexts;
        Comparator<FeatureExplanation.Context> weakestFirst = Comparator
                .comparingDouble(FeatureExplanation.Context::activation)
                .thenComparing(FeatureExplanation.Context::id, Comparator.reverseOrder());
        for (int i = 0; i < targets.size(); i++) {
            best.add(new PriorityQueue<>(weakestFirst));
        }
    }

    /** Considers every example of a chunk that carries full features. */
    @Override
    public void accept(CorpusPass.Chunk chunk) {
        for (int i = 0; i < chunk.records().size(); i++) {
            add(chunk.records().get(i).id(), chunk.full()[i]);
        }
    }

    /** Considers one corpus example (its features must include every target layer). */
    public void add(String id, TextFeatures features) {
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            SparseVector v = features.pooled().get(target.layer());
            float a = v == null ? 0f : v.get(target.feature());
            if (!(a > 0) || topContexts == 0) {
                continue;
            }
            PriorityQueue<FeatureExplanation.Context> queue = best.get(t);
            if (queue.size() == topContexts && queue.peek().activation() >= a) {
                continue;
            }
            int position = v.positionOf(target.feature());
            TokenCodes codes = features.tokens() == null ? null : features.tokens().get(target.layer());
            queue.add(new FeatureExplanation.Context(id, snippet(session.tokenizer(), features.tokenIds(), position),
                    a, codes == null ? null : shaded(session.tokenizer(), features.tokenIds(), codes,
                    target.feature(), position)));
            if (queue.size() > topContexts) {
                queue.poll();
            }
        }
    }

    /** Each target's explanation with its top {@code signatureTokens} tokens, in target order. */
    public List<FeatureExplanation> explain(int signatureTokens) throws IOException {
        List<FeatureExplanation> out = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            List<FeatureExplanation.Context> contexts = new ArrayList<>(best.get(t));
            contexts.sort(Comparator.comparingDouble(FeatureExplanation.Context::activation).reversed()
                    .thenComparing(FeatureExplanation.Context::id));
            out.add(new FeatureExplanation(target.layer(), target.feature(), signature(target, signatureTokens),
                    contexts, null));
        }
        return out;
    }

    /** The {@code n} vocabulary entries the logit lens scores highest for the target's raw decoder direction. */
    public List<FeatureExplanation.TokenScore> signature(Target target, int n) throws IOException {
        float[] scores;
        try (NDManager scope = session.manager().newSubManager()) {
            scores = session.model().unembed(session.direction(target.layer(), target.feature(), false), scope);
        }
        return tokenScores(scores, topIndices(scores, n));
    }

    /** A Query Lens result as its {@code n} top and bottom tokens of each side and of the logit-lens baseline. */
    public FeatureExplanation.QueryLensReading reading(LensResult r, int n) {
        return new FeatureExplanation.QueryLensReading(ranked(r.value(), n), ranked(r.key(), n), r.positions(),
                new FeatureExplanation.LensStats(r.valueStats(), r.keyStats()), ranked(r.logitLens(), n));
    }

    /** The {@code n} highest scores (descending) and the {@code n} lowest (ascending), lower index first on ties. */
    private FeatureExplanation.Ranked ranked(float[] scores, int n) {
        float[] negated = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            negated[i] = -scores[i];
        }
        return new FeatureExplanation.Ranked(tokenScores(scores, topIndices(scores, n)),
                tokenScores(scores, topIndices(negated, n)));
    }

    private List<FeatureExplanation.TokenScore> tokenScores(float[] scores, int[] ids) {
        List<FeatureExplanation.TokenScore> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(new FeatureExplanation.TokenScore(id, session.tokenizer().token(id), scores[id]));
        }
        return out;
    }

    /** Indices of the {@code n} largest scores, largest first (lower index first on ties). */
    static int[] topIndices(float[] scores, int n) {
        int k = Math.min(n, scores.length);
        // A min-heap of k indices keeps the scan O(V log k) without boxing the whole vocabulary.
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (k > 0 && scores[i] > scores[heap[0]]) {
                heap[0] = i;
                siftDown(heap, k, scores);
            }
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = heap[i];
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a])
                : Integer.compare(a, b));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** Heap order: smaller score first, and on equal scores the larger index first (so it is evicted first). */
    private static boolean below(int a, int b, float[] s) {
        return s[a] < s[b] || (s[a] == s[b] && a > b);
    }

    private static void siftUp(int[] heap, int i, float[] s) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!below(heap[i], heap[parent], s)) {
                return;
            }
            int tmp = heap[i];
            heap[i] = heap[parent];
            heap[parent] = tmp;
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int smallest = i;
            if (l < size && below(heap[l], heap[smallest], s)) {
                smallest = l;
            }
            if (l + 1 < size && below(heap[l + 1], heap[smallest], s)) {
                smallest = l + 1;
            }
            if (smallest == i) {
                return;
            }
            int tmp = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = tmp;
            i = smallest;
        }
    }

    /**
     * The tokens of the snippet window around {@code position}, each with the feature's activation; a token's text is
     * what it adds to the decoded window, so a character spread over several byte-level tokens shows whole on the
     * token that completes it (the others show nothing).
     */
    static List<FeatureExplanation.TokenActivation> shaded(QwenTokenizer tokenizer, int[] ids, TokenCodes codes,
                                                           int feature, int position) {
        int from = boundaryAtOrBefore(tokenizer, ids, Math.max(0, position - WINDOW));
        int to = boundaryAtOrAfter(tokenizer, ids, Math.min(ids.length, position + WINDOW + 1));
        List<FeatureExplanation.TokenActivation> out = new ArrayList<>(to - from);
        int done = from;
        for (int p = from; p < to; p++) {
            String text = "";
            if (boundary(tokenizer, ids, p + 1)) {
                text = decode(tokenizer, ids, done, p + 1);
                done = p + 1;
            }
            float a = 0f;
            int[] kept = codes.indices()[p];
            for (int j = 0; j < kept.length; j++) {
                if (kept[j] == feature) {
                    a = codes.values()[p][j];
                    break;
                }
            }
            out.add(new FeatureExplanation.TokenActivation(text, a));
        }
        return out;
    }

    /**
     * The text around {@code position}, {@link #WINDOW} tokens either side, the firing token widened to the whole
     * characters it holds bytes of and the window to whole characters, so no part shows U+FFFD for a split one.
     */
    static FeatureExplanation.Snippet snippet(QwenTokenizer tokenizer, int[] ids, int position) {
        if (position < 0 || position >= ids.length) {
            int to = boundaryAtOrAfter(tokenizer, ids, Math.min(ids.length, 2 * WINDOW));
            return new FeatureExplanation.Snippet(decode(tokenizer, ids, 0, to), "", to < ids.length ? "..." : "");
        }
        int from = boundaryAtOrBefore(tokenizer, ids, Math.max(0, position - WINDOW));
        int start = boundaryAtOrBefore(tokenizer, ids, position);
        int end = boundaryAtOrAfter(tokenizer, ids, position + 1);
        int to = boundaryAtOrAfter(tokenizer, ids, Math.min(ids.length, position + WINDOW + 1));
        return new FeatureExplanation.Snippet((from > 0 ? "..." : "") + decode(tokenizer, ids, from, start),
                decode(tokenizer, ids, start, end), decode(tokenizer, ids, end, to) + (to < ids.length ? "..." : ""));
    }

    private static int boundaryAtOrBefore(QwenTokenizer tokenizer, int[] ids, int b) {
        while (!boundary(tokenizer, ids, b)) {
            b--;
        }
        return b;
    }

    private static int boundaryAtOrAfter(QwenTokenizer tokenizer, int[] ids, int b) {
        while (!boundary(tokenizer, ids, b)) {
            b++;
        }
        return b;
    }

    /**
     * Whether the text falls apart between tokens {@code b - 1} and {@code b} on a character boundary: the tokens
     * either side decode apart to what they decode to together. A byte-level token holding only some of a
     * character's bytes decodes to U+FFFD on its own, so a cut through a character changes the text. A character has
     * at most 4 UTF-8 bytes and a token at least one, so 3 tokens either side hold any character crossing the cut.
     */
    private static boolean boundary(QwenTokenizer tokenizer, int[] ids, int b) {
        if (b <= 0 || b >= ids.length) {
            return true;
        }
        int lo = Math.max(0, b - 3);
        int hi = Math.min(ids.length, b + 3);
        return (decode(tokenizer, ids, lo, b) + decode(tokenizer, ids, b, hi)).equals(decode(tokenizer, ids, lo, hi));
    }

    private static String decode(QwenTokenizer tokenizer, int[] ids, int from, int to) {
        return tokenizer.decode(Arrays.copyOfRange(ids, from, to));
    }
}
