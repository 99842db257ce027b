package org.toxiscope.cli;

import java.io.IOException;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ToxicityClassifier;
import org.toxiscope.features.extract.SessionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of commands that run a classifier bundle's session: where its model and SAE now live, the device and
 * dtype, and the batching; the token limit and dtype are the bundle's unless given (and then must equal it).
 */
public final class BundleOptions {

    @Option(names = "--model", paramLabel = "DIR_OR_ID", description = "Where the bundle's model now lives.")
    String model;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID", description = "Where the bundle's SAE now lives.")
    String sae;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Token limit per text (default: the one the bundle was trained with; another value is "
                    + "refused, since the classifier would see other features).")
    Integer maxTokens;

    @Option(names = "--batch-tokens", defaultValue = "" + SessionSpec.DEFAULT_BATCH_TOKENS, paramLabel = "N",
            description = "Padded tokens per batch (default ${DEFAULT-VALUE}).")
    int batchTokens;

    /** These flags as the in-process classifier's options (blocks up to the bundle's deepest layer). */
    public ToxicityClassifier.Options classifierOptions() {
        return new ToxicityClassifier.Options(model, sae, runtime.device, runtime.dtype, maxTokens, batchTokens, false);
    }

    /** Opens {@code bundle}'s session with these flags. */
    BundleSession open(ClassifierBundle bundle) throws IOException {
        return BundleSession.open(bundle, model, sae, runtime.device, runtime.dtype, maxTokens, batchTokens);
    }
}
