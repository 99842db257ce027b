package org.toxiscope.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.LongAccumulator;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/**
 * The models open in this JVM: the first task that needs a session (a {@link SessionSpec}, or a bundle and where its
 * files live) on a device opens it, every later task of any job in the same executor JVM reuses it, and it is closed
 * when the JVM exits. Callers run one chunk at a time through a session (synchronized on its {@link FeatureSession}):
 * tasks of one executor share its weights, not copies.
 */
final class ExecutorSessions {

    private static final Map<Object, AutoCloseable> OPEN = new LinkedHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSessions::closeAll, "toxiscope-close-models"));
    }

    private ExecutorSessions() {
    }

    /**
     * What a label task opens: the bundle and where its model and SAE now live (null: as recorded), the dtype
     * ({@code auto}: the bundle's), {@code maxTokens} null for the bundle's own limit.
     */
    record BundleKey(String bundle, String model, String sae, String device, String dtype, Integer maxTokens,
                     int batchTokens) implements Serializable {
        BundleSession open() throws IOException {
            return BundleSession.open(ClassifierBundle.load(Path.of(bundle)), model, sae, device, dtype, maxTokens,
                    batchTokens);
        }
    }

    /** The feature session {@code spec} describes, on the calling task's device ({@link #taskDevice}). */
    static synchronized FeatureSession features(SessionSpec spec, LongAccumulator loadCounter) throws IOException {
        SessionSpec here = spec.withDevice(taskDevice(spec.device()));
        return (FeatureSession) session(here, () -> FeatureSession.open(here), "model " + here.model() + " and SAE "
                + here.sae() + " layers " + here.layers() + " on " + here.device(), loadCounter);
    }

    /** The bundle's session {@code key} describes, on the calling task's device ({@link #taskDevice}). */
    static synchronized BundleSession bundle(BundleKey key, LongAccumulator loadCounter) throws IOException {
        BundleKey here = new BundleKey(key.bundle(), key.model(), key.sae(), taskDevice(key.device()), key.dtype(),
                key.maxTokens(), key.batchTokens());
        return (BundleSession) session(here, here::open, "bundle " + here.bundle() + " with its model and SAE"
                + (here.model() != null ? " (model " + here.model() + ")" : "") + " on " + here.device(), loadCounter);
    }

    private interface Opener {
        AutoCloseable open() throws IOException;
    }

    /**
     * The session open under {@code key} in this JVM, opened on first use (and then counted in {@code loadCounter});
     * a key's type decides the session's, so callers' casts hold.
     */
    private static AutoCloseable session(Object key, Opener opener, String what, LongAccumulator loadCounter)
            throws IOException {
        AutoCloseable open = OPEN.get(key);
        if (open == null) {
            long start = System.nanoTime();
            open = opener.open();
            OPEN.put(key, open);
            loadCounter.add(1);
            System.err.printf("toxiscope-spark: opened %s in %.1f s (once for this executor JVM)%n", what,
                    (System.nanoTime() - start) / 1e9);
        }
        return open;
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
