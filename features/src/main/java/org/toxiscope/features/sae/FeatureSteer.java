package org.toxiscope.features.sae;

import java.io.IOException;
import java.util.List;

/**
 * One term of a steering vector, {@code alpha * W_dec[:, feature]}, parsed from {@code FEATURE:ALPHA}; {@link #vector}
 * sums the terms of one SAE into the vector added at that SAE's layer.
 */
public record FeatureSteer(int feature, float alpha) {

    /** Parses {@code FEATURE:ALPHA}, e.g. {@code 1234:4} or {@code 77:-2.5}. */
    public static FeatureSteer parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--steer '" + text + "': expected FEATURE:ALPHA, e.g. 1234:4.0");
        }
        int feature;
        float alpha;
        try {
            feature = Integer.parseInt(text.substring(0, colon).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--steer '" + text + "': feature '" + text.substring(0, colon)
                    + "' is not a whole number");
        }
        try {
            alpha = Float.parseFloat(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--steer '" + text + "': alpha '" + text.substring(colon + 1)
                    + "' is not a number");
        }
        if (feature < 0 || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("--steer '" + text + "': the feature must be >= 0 and alpha finite");
        }
        return new FeatureSteer(feature, alpha);
    }

    /**
     * {@code sum alpha_i * W_dec[:, feature_i]} over {@code terms}, each column first scaled to unit L2 norm when
     * {@code unitNorm} (so that alpha is a distance in residual space whatever the column's length).
     */
    public static float[] vector(TopKSae sae, List<FeatureSteer> terms, boolean unitNorm) throws IOException {
        float[] sum = new float[sae.dModel()];
        for (FeatureSteer term : terms) {
            float[] column = sae.decoderColumn(term.feature());
            double scale = term.alpha();
            if (unitNorm) {
                double norm = 0;
                for (float c : column) {
                    norm += (double) c * c;
                }
                if (norm == 0) {
                    throw new IllegalArgumentException(sae.spec().weights() + ": feature " + term.feature()
                            + " has a zero decoder column; it cannot be normalised");
                }
                scale /= Math.sqrt(norm);
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += (float) (scale * column[i]);
            }
        }
        return sum;
    }
}
