package org.toxiscope.features.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;

/**
 * Accumulates how well an SAE reconstructs a set of residual vectors, batch by batch: MSE, fraction of variance
 * unexplained (FVU = sum ||x - x_hat||^2 / sum ||x - mean(x)||^2), mean L0 (non-zero code entries per vector) and
 * dead features (never active with a positive value).
 */
public final class ReconstructionStats {

    /** The figures over everything added so far. */
    public record Result(long vectors, int dModel, int dSae, double mse, double fvu, double meanL0, int deadFeatures) {

        public double deadFraction() {
            return dSae == 0 ? 0 : (double) deadFeatures / dSae;
        }
    }

    private final TopKSae sae;
    private final double[] sum;
    private final boolean[] fired;
    private double sumSquares;
    private double squaredError;
    private long nonZero;
    private long vectors;

    public ReconstructionStats(TopKSae sae) {
        this.sae = sae;
        this.sum = new double[sae.dModel()];
        this.fired = new boolean[sae.dSae()];
    }

    /** Encodes and decodes {@code x} [N, d_model] and adds it to the totals; temporaries are freed. */
    public void add(NDArray x) throws IOException {
        try (NDManager scope = x.getManager().newSubManager()) {
            x.tempAttach(scope);
            try (SaeCodes codes = sae.encode(x)) {
                NDArray xHat = sae.decode(codes);
                xHat.attach(scope);
                squaredError += x.sub(xHat).square().sum().toType(DataType.FLOAT64, false)
                        .getDouble();
                sumSquares += x.square().sum().toType(DataType.FLOAT64, false).getDouble();
                float[] colSums = x.sum(new int[] {0}).toFloatArray();
                for (int i = 0; i < colSums.length; i++) {
                    sum[i] += colSums[i];
                }
                long[] idx = codes.indices().toLongArray();
                float[] val = codes.values().toFloatArray();
                for (int i = 0; i < val.length; i++) {
                    if (val[i] != 0f) {
                        nonZero++;
                        if (val[i] > 0f) {
                            fired[(int) idx[i]] = true;
                        }
                    }
                }
                vectors += x.getShape().get(0);
            }
        }
    }

    public Result result() {
        double meanNormSq = 0;
        for (double s : sum) {
            double mean = vectors == 0 ? 0 : s / vectors;
            meanNormSq += mean * mean;
        }
        double variance = sumSquares - vectors * meanNormSq;
        int dead = 0;
        for (boolean f : fired) {
            if (!f) {
                dead++;
            }
        }
        int dModel = sum.length;
        double mse = vectors == 0 ? Double.NaN : squaredError / ((double) vectors * dModel);
        double fvu = variance > 0 ? squaredError / variance : Double.NaN;
        double l0 = vectors == 0 ? Double.NaN : (double) nonZero / vectors;
        return new Result(vectors, dModel, fired.length, mse, fvu, l0, dead);
    }
}
