package org.toxiscope.synthesize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.Prediction;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.TextFeatures;

/**
 * Keeps a candidate for target f only if {@code h[i,f] = 1} at the target layer when its text is re-encoded (and the
 * max falls on a token the generator counts), and labels it with the classifier: one forward pass per batch serves
 * the target layer and every layer the classifier reads.
 */
public final class Verifier {

    public static final String HARMFUL = "harmful";
    public static final String BENIGN = "benign";

    private final FeatureSession session;
    private final ClassifierBundle classifier;

    /**
     * {@code session} must hold the SAEs of every target layer and of {@code classifier.layers()}, and extract as the
     * classifier was trained ({@link ClassifierBundle#checkCompatible}).
     */
    public Verifier(FeatureSession session, ClassifierBundle classifier) throws IOException {
        this.session = session;
        this.classifier = classifier;
        for (int layer : classifier.layers()) {
            session.sae(layer);
        }
    }

    public List<Verdict> verify(Target target, List<Candidate> candidates) throws IOException {
        TextFeatures[] features = session.extract(candidates.stream().map(Candidate::text).toList(), false);
        int[] layers = classifier.layers();
        List<Verdict> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            SparseVector v = features[i].pooled().get(target.layer());
            float a = v.get(target.feature());
            int position = v.positionOf(target.feature());
            boolean fires = a > 0 && position >= c.firstCountedToken();
            SparseVector[] byLayer = new SparseVector[layers.length];
            for (int l = 0; l < layers.length; l++) {
                byLayer[l] = features[i].pooled().get(layers[l]);
            }
            Prediction p = classifier.predict(FeatureTable.single(layers, Integer.toString(i), c.lang(), byLayer), 0);
            out.add(new Verdict(a, position, fires, p.score(), p.toxic() ? HARMFUL : BENIGN));
        }
        return out;
    }
}
