package org.toxiscope.classify;

/**
 * Training settings of a linear model: logistic regression or linear SVM by SGD with AdaGrad, the feature value
 * transform, and whether examples are weighted {@code n / (2 n_class)} to balance the classes.
 */
public record LinearSettings(Method method, int epochs, double learningRate, ValueTransform values,
                             boolean classWeights, long seed) {

    public LinearSettings {
        if (method == Method.RULE) {
            throw new IllegalArgumentException("the rule method trains no linear model");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
    }

    /** 10 epochs, AdaGrad rate 0.1, log1p values, balanced class weights. */
    public static LinearSettings defaults(Method method, long seed) {
        return new LinearSettings(method, 10, 0.1, ValueTransform.LOG1P, true, seed);
    }
}
