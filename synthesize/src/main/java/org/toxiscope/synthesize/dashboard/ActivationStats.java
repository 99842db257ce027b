package org.toxiscope.synthesize.dashboard;

import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.extract.TokenCodes;
import org.toxiscope.synthesize.Target;

/**
 * Per target, over the texts of a per-token {@link CorpusPass}: texts and token positions seen, those where the
 * feature is active (kept by the SAE with a value above 0), and each active text's max activation.
 */
final class ActivationStats implements CorpusPass.Sink {

    /** One target's counts; {@code maxima} holds the max activation of each text the feature fires on. */
    record Counts(long texts, long firingTexts, long positions, long firingPositions, float[] maxima) {
    }

    private final List<Target> targets;
    private final long[] firingTexts;
    private final long[] firingPositions;
    private final List<List<Float>> maxima = new ArrayList<>();
    private long texts;
    private long positions;

    ActivationStats(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.firingTexts = new long[targets.size()];
        this.firingPositions = new long[targets.size()];
        for (int i = 0; i < targets.size(); i++) {
            maxima.add(new ArrayList<>());
        }
    }

    @Override
    public void accept(CorpusPass.Chunk chunk) {
        for (TextFeatures text : chunk.full()) {
            texts++;
            positions += text.tokenIds().length;
            for (int t = 0; t < targets.size(); t++) {
                Target target = targets.get(t);
                TokenCodes codes = text.tokens().get(target.layer());
                for (int p = 0; p < codes.indices().length; p++) {
                    int[] kept = codes.indices()[p];
                    for (int j = 0; j < kept.length; j++) {
                        if (kept[j] == target.feature() && codes.values()[p][j] > 0) {
                            firingPositions[t]++;
                            break;
                        }
                    }
                }
                SparseVector pooled = text.pooled().get(target.layer());
                float max = pooled.get(target.feature());
                if (max > 0) {
                    firingTexts[t]++;
                    maxima.get(t).add(max);
                }
            }
        }
    }

    /** The counts of target {@code t} (in the constructor's order). */
    Counts counts(int t) {
        List<Float> m = maxima.get(t);
        float[] out = new float[m.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.get(i);
        }
        return new Counts(texts, firingTexts[t], positions, firingPositions[t], out);
    }
}
