package org.toxiscope.cli;

import java.io.IOException;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;

/**
 * Where the model, SAE and feature flags become the one {@link SessionSpec}, and where a command's session is opened
 * from it (with the feature cache unless --no-cache or the command needs none).
 */
final class Sessions {

    private Sessions() {
    }

    /** The settings the flags ask for. */
    static SessionSpec spec(ModelOptions model, SaeOptions sae, FeatureOptions features) throws IOException {
        return model.runtime.applyTo(SessionSpec.of(model.model, sae.sae, sae.layerList()))
                .withSae(sae.k, sae.relu)
                .withExtraction(Pooling.parse(features.pool), features.maxTokens, features.batchTokens,
                        features.maxBatch)
                .withMaxSaeBytes(features.maxMemoryBytes());
    }

    /** Opens {@code spec}; with {@code useCache} pooled features go through the feature cache of the flags. */
    static FeatureSession open(String task, SessionSpec spec, FeatureOptions features, boolean useCache)
            throws IOException {
        FeatureSession session = FeatureSession.open(spec);
        try {
            if (session.passes() > 1) {
                System.err.printf("%s: the SAEs of %d layers exceed --max-memory %s: %d passes per chunk%n", task,
                        spec.layers().size(), features.maxMemory, session.passes());
            }
            if (useCache && features.cacheDir() != null) {
                session.useCache(features.cacheDir());
            }
            return session;
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Opens the session the flags ask for, through the feature cache unless --no-cache. */
    static FeatureSession open(String task, ModelOptions model, SaeOptions sae, FeatureOptions features)
            throws IOException {
        return open(task, spec(model, sae, features), features, true);
    }
}
