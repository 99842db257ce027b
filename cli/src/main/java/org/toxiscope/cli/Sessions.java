package org.toxiscope.cli;

import java.io.IOException;
import java.util.List;
import org.toxiscope.features.extract.ExtractionSettings;
import org.toxiscope.features.extract.FeatureSession;

/** Opens a {@link FeatureSession} from the shared model, SAE and feature flags, with the feature cache unless --no-cache. */
final class Sessions {

    private Sessions() {
    }

    static FeatureSession open(ModelOptions model, SaeOptions sae, FeatureOptions features, boolean useCache)
            throws IOException {
        return open(model, sae, sae.layerList(), features.settings(false), features, useCache);
    }

    static FeatureSession open(ModelOptions model, SaeOptions sae, List<Integer> layers, ExtractionSettings settings,
                               FeatureOptions features, boolean useCache) throws IOException {
        FeatureSession session = FeatureSession.open(model.model, model.device(), sae.sae, layers, sae.k,
                sae.relu ? Boolean.TRUE : null, settings, features.maxMemoryBytes());
        if (session.passes() > 1) {
            System.err.printf("the SAEs of %d layers exceed --max-memory %s: %d passes per chunk%n", layers.size(),
                    features.maxMemory, session.passes());
        }
        if (useCache && features.cacheDir() != null) {
            session.useCache(features.cacheDir());
        }
        return session;
    }
}
