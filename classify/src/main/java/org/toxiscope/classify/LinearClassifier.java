package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A Tribuo linear model (logistic regression or linear SVM) over pooled SAE features named {@code L14:f2311}.
 * Scores are computed from the model's weights on the primitive feature table: the probability of the positive
 * class for logreg (softmax of LogMulticlass, identical to Tribuo's own prediction), the margin
 * {@code s(toxic) - s(clean)} for the SVM.
 */
public final class LinearClassifier implements Scorer {

    /** Tribuo label names of the two classes. */
    public static final String POSITIVE = "toxic";
    public static final String NEGATIVE = "clean";
    /** A feature of value 1 on every example, so an example on which nothing fires is still a valid Tribuo example. */
    public static final String CONSTANT = "const";

    private final Method method;
    private final ValueTransform values;
    private final Model<Label> model;
    private final int[] layers;
    private final int[][] features;
    private final double[][] weights;
    private final double bias;

    private LinearClassifier(Method method, ValueTransform values, Model<Label> model) {
        if (!(model instanceof LinearSGDModel linear)) {
            throw new IllegalArgumentException("expected a Tribuo LinearSGDModel, got " + model.getClass().getName());
        }
        this.method = method;
        this.values = values;
        this.model = model;
        DenseMatrix w = linear.getWeightsCopy();
        int pos = model.getOutputIDInfo().getID(new Label(POSITIVE));
        int neg = model.getOutputIDInfo().getID(new Label(NEGATIVE));
        if (pos < 0 || neg < 0) {
            throw new IllegalArgumentException("the Tribuo model lacks the labels " + POSITIVE + " and " + NEGATIVE);
        }
        int nFeatures = model.getFeatureIDMap().size();
        // Tribuo stores the bias as the last column of the weight matrix.
        double b = w.get(pos, nFeatures) - w.get(neg, nFeatures);
        TreeMap<Integer, TreeMap<Integer, Double>> byLayer = new TreeMap<>();
        for (VariableInfo v : model.getFeatureIDMap()) {
            int id = model.getFeatureIDMap().getID(v.getName());
            double diff = w.get(pos, id) - w.get(neg, id);
            if (v.getName().equals(CONSTANT)) {
                b += diff;
            } else {
                FeatureRef f = FeatureRef.parse(v.getName());
                byLayer.computeIfAbsent(f.layer(), l -> new TreeMap<>()).put(f.feature(), diff);
            }
        }
        this.bias = b;
        this.layers = byLayer.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.features = new int[layers.length][];
        this.weights = new double[layers.length][];
        for (int s = 0; s < layers.length; s++) {
            TreeMap<Integer, Double> m = byLayer.get(layers[s]);
            features[s] = m.keySet().stream().mapToInt(Integer::intValue).toArray();
            weights[s] = m.values().stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Wraps a trained (or deserialised) Tribuo linear model. */
    public static LinearClassifier of(Model<?> model, Method method, ValueTransform values) {
        return new LinearClassifier(method, values, model.castModel(Label.class));
    }

    /**
     * Trains on {@code rows} (all labelled, both classes present) for label column {@code label}. The keys of
     * {@code featuresByLayer} are the layers used; each maps to the ascending feature indices to use there, or
     * null for every feature of that layer.
     */
    public static LinearClassifier train(FeatureTable table, int label, int[] rows, Map<Integer, int[]> featuresByLayer,
                                         LinearSettings settings) {
        int positives = 0;
        for (int row : rows) {
            if (table.label(label, row)) {
                positives++;
            }
        }
        int negatives = rows.length - positives;
        String labelName = table.labelNames().get(label);
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("training a " + settings.method().id() + " model for label '" + labelName
                    + "' needs both classes; got " + positives + " positive and " + negatives + " negative examples");
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(
                new SimpleDataSourceProvenance("toxiscope feature table, label " + labelName, factory), factory);
        Label pos = new Label(POSITIVE);
        Label neg = new Label(NEGATIVE);
        float posWeight = settings.classWeights() ? (float) rows.length / (2f * positives) : 1f;
        float negWeight = settings.classWeights() ? (float) rows.length / (2f * negatives) : 1f;
        FeatureNames names = new FeatureNames();
        for (int row : rows) {
            boolean y = table.label(label, row);
            data.add(example(table, row, featuresByLayer, settings.values(), names, y ? pos : neg,
                    y ? posWeight : negWeight));
        }
        LabelObjective objective = settings.method() == Method.LOGREG ? new LogMulticlass() : new Hinge();
        // Logging interval -1: Tribuo otherwise logs loss lines through java.util.logging.
        LinearSGDTrainer trainer = new LinearSGDTrainer(objective,
                new AdaGrad(settings.learningRate(), 0.1), settings.epochs(), -1, 1, settings.seed());
        return new LinearClassifier(settings.method(), settings.values(), trainer.train(data));
    }

    /** The Tribuo example of a row: its firing features of the chosen layers, transformed, plus {@link #CONSTANT}. */
    static ArrayExample<Label> example(FeatureTable table, int row, Map<Integer, int[]> featuresByLayer,
                                       ValueTransform transform, FeatureNames names, Label output, float weight) {
        ArrayExample<Label> ex = new ArrayExample<>(output, weight, 64);
        ex.add(CONSTANT, 1.0);
        for (Map.Entry<Integer, int[]> e : featuresByLayer.entrySet()) {
            int layer = e.getKey();
            int[] idx = table.indices(layer);
            float[] val = table.values(layer);
            int[] start = table.rowStart(layer);
            if (e.getValue() == null) {
                for (int j = start[row]; j < start[row + 1]; j++) {
                    if (val[j] > Discovery.EPS) {
                        ex.add(names.of(layer, idx[j]), transform.apply(val[j]));
                    }
                }
            } else {
                RowJoin.join(table, layer, row, e.getValue(), (w, j) -> {
                    if (val[j] > Discovery.EPS) {
                        ex.add(names.of(layer, idx[j]), transform.apply(val[j]));
                    }
                });
            }
        }
        return ex;
    }

    public Method method() {
        return method;
    }

    public ValueTransform values() {
        return values;
    }

    /** The Tribuo model, for serialisation. */
    public Model<Label> model() {
        return model;
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public List<FeatureRef> features() {
        return List.copyOf(featureWeights().keySet());
    }

    /** Each feature's weight toward the positive class (toxic minus clean), by layer then feature. */
    public Map<FeatureRef, Double> featureWeights() {
        Map<FeatureRef, Double> out = new java.util.LinkedHashMap<>();
        for (int s = 0; s < layers.length; s++) {
            for (int j = 0; j < features[s].length; j++) {
                out.put(new FeatureRef(layers[s], features[s][j]), weights[s][j]);
            }
        }
        return out;
    }

    @Override
    public double score(FeatureTable table, int row) {
        double[] logit = {bias};
        for (int s = 0; s < layers.length; s++) {
            float[] val = table.values(layers[s]);
            double[] wt = weights[s];
            RowJoin.join(table, layers[s], row, features[s], (w, e) -> logit[0] += wt[w] * values.apply(val[e]));
        }
        return method == Method.LOGREG ? 1 / (1 + Math.exp(-logit[0])) : logit[0];
    }

    @Override
    public double defaultThreshold() {
        return method == Method.LOGREG ? 0.5 : 0;
    }

    /** Logreg's probability back on its logit scale; the SVM margin as it is. */
    @Override
    public double logOdds(double raw) {
        return method == Method.LOGREG ? Math.log(raw) - Math.log1p(-raw) : raw;
    }

    /** The logistic of the logit (logreg: the probability itself) or of the SVM margin. */
    @Override
    public PlattScaling defaultScaling() {
        return new PlattScaling(1, 0, 0);
    }

    @Override
    public List<Contribution> explain(FeatureTable table, int row, int max) {
        List<Contribution> out = new ArrayList<>();
        for (int s = 0; s < layers.length; s++) {
            int layer = layers[s];
            float[] val = table.values(layer);
            int[] pos = table.positions(layer);
            int[] feat = features[s];
            double[] wt = weights[s];
            RowJoin.join(table, layer, row, feat, (w, e) -> {
                double c = wt[w] * values.apply(val[e]);
                if (c > 0) {
                    out.add(new Contribution(layer, feat[w], pos[e], val[e], c));
                }
            });
        }
        return Contribution.top(out, max);
    }

    /** The top {@code n} features by delta at each layer, the feature selection for {@link #train}. */
    public static Map<Integer, int[]> topByDelta(DeltaTable deltas, List<Integer> layers, int n) {
        Map<Integer, int[]> out = new TreeMap<>();
        for (int layer : layers) {
            int[] top = deltas.layer(layer).top(n);
            Arrays.sort(top);
            out.put(layer, top);
        }
        return out;
    }

    /** Interns feature names so a dataset of millions of entries shares one String per feature. */
    static final class FeatureNames {
        private final Map<Integer, String[]> byLayer = new HashMap<>();

        String of(int layer, int feature) {
            String[] names = byLayer.computeIfAbsent(layer, l -> new String[0]);
            if (feature >= names.length) {
                names = Arrays.copyOf(names, Math.max(feature + 1, names.length * 2));
                byLayer.put(layer, names);
            }
            if (names[feature] == null) {
                names[feature] = FeatureRef.name(layer, feature);
            }
            return names[feature];
        }
    }
}
