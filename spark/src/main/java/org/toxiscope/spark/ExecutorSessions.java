package org.toxiscope.spark;

import ai.djl.Device;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.LongAccumulator;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.features.extract.ExtractionSettings;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.model.Devices;

/**
 * The models open in this JVM: the first task that needs a (bundle or model, SAE, settings, device) opens it, every
 * later task of any job in the same executor JVM reuses it, and it is closed when the JVM exits. Callers run one
 * batch at a time on a session (synchronized on it): tasks of one executor share its weights, not copies.
 */
final class ExecutorSessions {

    private static final Map<Key, AutoCloseable> OPEN = new LinkedHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSessions::closeAll, "toxiscope-close-models"));
    }

    private ExecutorSessions() {
    }

    /** A model setting a task needs open; equal keys share one session. */
    sealed interface Key extends Serializable {
        AutoCloseable open() throws IOException;

        /** The --device value: cpu, gpu or gpu:N. */
        String device();

        /** This key on the device a task resolved ({@link #taskDevice}). */
        Key on(String device);

        /** What is opened, for the executor's log. */
        String describe();
    }

    /** What a label task opens: the bundle and where its model and SAE now live (null: as recorded). */
    record BundleKey(String bundle, String model, String sae, String device, int maxTokens, int batchTokens)
            implements Key {
        @Override
        public BundleSession open() throws IOException {
            return BundleSession.open(ClassifierBundle.load(Path.of(bundle)), model, sae, Devices.parse(device),
                    maxTokens, batchTokens);
        }

        @Override
        public BundleKey on(String taskDevice) {
            return new BundleKey(bundle, model, sae, taskDevice, maxTokens, batchTokens);
        }

        @Override
        public String describe() {
            return "bundle " + bundle + " with its model and SAE" + (model != null ? " (model " + model + ")" : "")
                    + " on " + device;
        }
    }

    /** What a features task opens: model, SAE, layers (ascending) and extraction settings. */
    record FeatureKey(String model, String sae, List<Integer> layers, Integer k, boolean relu, String pooling,
                      int maxTokens, int batchTokens, int maxBatch, String device) implements Key {
        @Override
        public FeatureSession open() throws IOException {
            ExtractionSettings settings = new ExtractionSettings(Pooling.parse(pooling), false, maxTokens, batchTokens,
                    maxBatch);
            return FeatureSession.open(model, Devices.parse(device), sae, layers, k, relu, settings, Long.MAX_VALUE);
        }

        @Override
        public FeatureKey on(String taskDevice) {
            return new FeatureKey(model, sae, layers, k, relu, pooling, maxTokens, batchTokens, maxBatch, taskDevice);
        }

        @Override
        public String describe() {
            return "model " + model + " and SAE " + sae + " layers " + layers + " on " + device;
        }
    }

    /**
     * The session for {@code key} on the calling task's device ({@link #taskDevice}) in this JVM, opened on first use
     * (and then counted in {@code loadCounter}).
     */
    static synchronized <T extends AutoCloseable> T session(Key key, Class<T> type, LongAccumulator loadCounter)
            throws IOException {
        Key here = key.on(taskDevice(key.device()));
        AutoCloseable open = OPEN.get(here);
        if (open == null) {
            long start = System.nanoTime();
            open = here.open();
            OPEN.put(here, open);
            loadCounter.add(1);
            System.err.printf("toxiscope-spark: opened %s in %.1f s (once for this executor JVM)%n", here.describe(),
                    (System.nanoTime() - start) / 1e9);
        }
        return type.cast(open);
    }

    /** How many sessions are open in this JVM (each opened once, kept until it exits). */
    static synchronized int loads() {
        return OPEN.size();
    }

    /**
     * The device a task runs on: {@code gpu} means the GPU Spark assigned to this task
     * ({@code spark.task.resource.gpu.amount}), or GPU 0 without GPU scheduling; other values as given.
     */
    private static String taskDevice(String spec) {
        if (!spec.equals("gpu")) {
            return spec;
        }
        TaskContext task = TaskContext.get();
        ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
        return gpu != null && gpu.addresses().length > 0 ? "gpu:" + gpu.addresses()[0] : "gpu:0";
    }

    private static synchronized void closeAll() {
        for (AutoCloseable session : new ArrayList<>(OPEN.values())) {
            try {
                session.close();
            } catch (Exception e) {
                System.err.println("toxiscope-spark: closing a model: " + e.getMessage());
            }
        }
        OPEN.clear();
    }
}
