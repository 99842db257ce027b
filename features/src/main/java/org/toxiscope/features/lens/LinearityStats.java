package org.toxiscope.features.lens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * How well one direction explains a lens side's per-position vectors {@code v_i} (the reference code's Jacobian
 * linearity statistics): with {@code mu} their mean over all {@code n} positions and {@code mhat = mu / |mu|},
 * {@code evMu = sum (v_i . mhat)^2 / sum |v_i|^2} (energy along the mean direction) and
 * {@code relVar = 1 - |mu|^2 / mean |v_i|^2} (relative variance around the mean), both clipped to [0, 1]; the energy
 * sums run over the {@code nUsed} positions with {@code |v_i|^2 > 1e-12}; {@code perpEv = 1 - evMu}.
 */
public record LinearityStats(long n, long nUsed, double eMu, double sumEnergy, double meanEnergy, double sumParallel2,
                             double evMu, double perpEv, double relVar) {

    private static final double EPS = 1e-12;
    private static final double ENERGY_EPS = 1e-12;

    /**
     * Sums over batches of vectors from which the statistics follow exactly without keeping the vectors: their sum,
     * and over the used ones their energy and second-moment matrix {@code sum v v^T} [H, H] (so that
     * {@code sum (v . mhat)^2 = mhat^T C mhat} once the global mean is known).
     */
    static final class Accumulator {

        private final NDManager manager;
        private NDArray sum;
        private NDArray moments;
        private long n;
        private long nUsed;
        private double energy;

        /** Sums held in a sub-manager of {@code parent}, freed with it. */
        Accumulator(NDManager parent) {
            this.manager = parent.newSubManager();
        }

        /** Adds the vectors {@code v} [B, T, H] of the {@code positions} real positions (padding rows are zero). */
        void add(NDArray v, long positions) {
            try (NDManager scope = manager.newSubManager()) {
                long hidden = v.getShape().get(v.getShape().dimension() - 1);
                NDArray rows = v.reshape(-1, hidden);
                rows.attach(scope);
                NDArray norms = rows.square().sum(new int[] {1});
                NDArray used = norms.gt(ENERGY_EPS).toType(rows.getDataType(), false);
                NDArray weighted = rows.mul(used.expandDims(1));
                accumulate(rows.sum(new int[] {0}), weighted.transpose().matMul(rows));
                nUsed += Math.round(used.sum().toType(DataType.FLOAT64, false).getDouble());
                energy += norms.mul(used).sum().toType(DataType.FLOAT64, false).getDouble();
                n += positions;
            }
        }

        private void accumulate(NDArray batchSum, NDArray batchMoments) {
            if (sum == null) {
                sum = batchSum;
                moments = batchMoments;
            } else {
                sum = sum.add(batchSum);
                moments = moments.add(batchMoments);
            }
            sum.attach(manager);
            moments.attach(manager);
        }

        /** The mean vector {@code mu} [H] so far, in {@code target}; null before any position. */
        NDArray mean(NDManager target) {
            if (n == 0) {
                return null;
            }
            NDArray mu = sum.div(n);
            mu.attach(target);
            return mu;
        }

        LinearityStats stats() {
            if (n == 0) {
                return new LinearityStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray mu = mean(scope).toType(DataType.FLOAT64, false);
                double eMu = mu.square().sum().getDouble();
                if (nUsed == 0) {
                    return new LinearityStats(n, 0, eMu, 0, 0, 0, 0, 0, 0);
                }
                NDArray mhat = mu.div(Math.max(Math.sqrt(eMu), EPS));
                NDArray c = moments.toType(DataType.FLOAT64, false);
                c.attach(scope);
                double parallel2 = mhat.matMul(c).mul(mhat).sum().getDouble();
                double ev = clip(parallel2 / (energy + EPS));
                double meanEnergy = energy / nUsed;
                double relVar = clip(1 - eMu / (meanEnergy + EPS));
                return new LinearityStats(n, nUsed, eMu, energy, meanEnergy, parallel2, ev, 1 - ev, relVar);
            }
        }

        private static double clip(double x) {
            return Math.max(0, Math.min(1, x));
        }
    }
}
