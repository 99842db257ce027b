package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Set;
import org.toxiscope.features.Golden;

/** The golden comparisons shared by the model tests: token ids, residual rows, top-10 logits, greedy argmax. */
final class GoldenChecks {

    private GoldenChecks() {
    }

    /** The checkpoint's tokenizer gives every golden text's ids. */
    static void tokenizerMatches(Golden golden) throws Exception {
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             QwenTokenizer tokenizer = ckpt.tokenizer()) {
            for (var t : golden.texts()) {
                JsonObject text = t.getAsJsonObject();
                assertArrayEquals(Golden.ints(text.getAsJsonArray("ids")),
                        tokenizer.encode(text.get("text").getAsString()), text.get("lang").getAsString());
            }
        }
    }

    /** One row's comparison: its golden text, residual (with left padding) and last-token logits. */
    interface RowCheck {
        void check(JsonObject text, NDArray residual, int padding, float[] lastLogits);
    }

    /** Runs all golden texts as one left-padded batch, keeping the residual after {@code layer}; checks each row. */
    static void leftPaddedBatch(Golden golden, int layer, RowCheck check) throws Exception {
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            int[][] batch = allIds(golden);
            try (DecodeState state = model.newState(manager, batch.length)) {
                ForwardResult r = model.forward(manager, batch, state,
                        new ForwardOptions(Set.of(layer), Steering.NONE, true));
                for (int i = 0; i < batch.length; i++) {
                    check.check(golden.text(i), r.residuals().get(layer).get(i), r.padding()[i],
                            r.lastLogits().get(i).toFloatArray());
                }
            }
        }
    }

    /** The ids of every golden text, one row each (ragged). */
    private static int[][] allIds(Golden golden) {
        int n = golden.texts().size();
        int[][] batch = new int[n][];
        for (int i = 0; i < n; i++) {
            batch[i] = Golden.ints(golden.text(i).getAsJsonArray("ids"));
        }
        return batch;
    }

    /**
     * One sequence's residual {@code [padding + tokens, hidden]} against the golden first 8 dims of each token and the
     * whole last token; {@code label} prefixes the per-value messages.
     */
    static void residual(JsonArray first8, JsonArray lastToken, NDArray residual, int padding, float tolerance,
            String label) {
        int n = first8.size();
        float[] rows = residual.get(new NDIndex("{}:, :8", padding)).toFloatArray();
        assertEquals(n * 8, rows.length);
        for (int p = 0; p < n; p++) {
            float[] expected = Golden.floats(first8.get(p).getAsJsonArray());
            for (int j = 0; j < 8; j++) {
                assertEquals(expected[j], rows[p * 8 + j], tolerance, label + "resid pos " + p + " dim " + j);
            }
        }
        assertArrayEquals(Golden.floats(lastToken), residual.get(new NDIndex("-1, :")).toFloatArray(), tolerance);
    }

    /** Last-token logits against the golden top-10 ids (in order), their values and the logsumexp. */
    static void logits(JsonObject expected, float[] logits, float tolerance, String label) {
        int[] ids = Golden.ints(expected.getAsJsonArray("top10_ids"));
        float[] values = Golden.floats(expected.getAsJsonArray("top10_values"));
        Integer[] order = new Integer[logits.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], order[i], label + "top-10 rank " + i);
            assertEquals(values[i], logits[ids[i]], tolerance, "logit of " + ids[i]);
        }
        double max = logits[order[0]];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        assertEquals(expected.get("logsumexp").getAsDouble(), max + Math.log(sum), tolerance);
    }

    /** The tokens a decode step feeds after {@code step} produced {@code next} (the greedy token). */
    interface NextStep {
        int[] tokens(int step, int next);
    }

    /**
     * Runs {@code steps} cached decode steps from {@code prompt} (greedy, feeding {@link NextStep}'s tokens) and checks
     * each step's last logits against a fresh recomputation of the whole sequence, within {@code tolerance}.
     */
    static void cachedStepsMatchRecomputation(Golden golden, int[] prompt, int steps, float tolerance, NextStep feed)
            throws Exception {
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager();
             DecodeState state = model.newState(manager, 1)) {
            int[] sequence = prompt;
            int[][] step = {prompt};
            for (int i = 0; i < steps; i++) {
                float[] cached = model.forward(manager, step, state, ForwardOptions.logitsOnly(Steering.NONE))
                        .lastLogits().toFloatArray();
                float[] full;
                try (DecodeState fresh = model.newState(manager, 1)) {
                    full = model.forward(manager, new int[][] {sequence}, fresh,
                            ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray();
                }
                assertArrayEquals(full, cached, tolerance, "step " + i);
                step = new int[][] {feed.tokens(i, argmax(cached))};
                int[] grown = Arrays.copyOf(sequence, sequence.length + step[0].length);
                System.arraycopy(step[0], 0, grown, sequence.length, step[0].length);
                sequence = grown;
            }
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
