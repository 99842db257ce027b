package org.toxiscope.synthesize;

import java.util.ArrayList;
import java.util.List;

import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;

/**
 * The model, SAE, k, ReLU ({@code null}: the SAE format's convention), device and dtype ({@code auto}, {@code bf16}
 * or {@code f32}) the feature-space commands were given, turned into the whole-model {@link SessionSpec} their
 * targets (and classifier) need.
 */
public record ModelChoice(String model, String sae, Integer k, Boolean relu, String device, String dtype) {

    /** The SAEs of the targets' layers, every other setting the default of every command. */
    public SessionSpec spec(List<Target> targets) {
        return SessionSpec.of(model, sae, layers(targets)).withSae(k, relu).withDevice(device).withDtype(dtype)
                .withWholeModel();
    }

    /**
     * The bundle's recorded settings (model and SAE from where given, else as recorded) at the targets' layers and
     * the bundle's, with k and ReLU overridden where given; pooling is max whatever the bundle says, because a target
     * fires where its max-pooled activation is positive, so a bundle trained otherwise fails the compatibility check;
     * dtype {@code auto} is the bundle's.
     */
    public SessionSpec spec(ClassifierBundle bundle, List<Target> targets) {
        SessionSpec recorded = bundle.sessionSpec(model, sae, dtype);
        List<Integer> layers = new ArrayList<>(layers(targets));
        layers.addAll(recorded.layers());
        return recorded.withLayers(layers)
                .withSae(k != null ? k : recorded.k(), relu != null ? relu : recorded.relu())
                .withExtraction(Pooling.MAX, recorded.maxTokens(), recorded.batchTokens(), recorded.maxBatch())
                .withDevice(device).withWholeModel();
    }

    /** The targets' layers; {@link SessionSpec} sorts them and drops repeats. */
    private static List<Integer> layers(List<Target> targets) {
        return targets.stream().map(Target::layer).toList();
    }
}
