package org.toxiscope.classify;

import java.util.Map;
import java.util.TreeMap;

/**
 * What produced the features a classifier reads: the model (id and sha256 of its config), the SAE (id, sha256 of
 * each layer's file), the SAE's k, whether ReLU preceded top-k, and the token pooling (e.g. {@code max}).
 */
public record ExtractionProvenance(String modelId, String modelConfigSha256, String saeId,
                                   Map<Integer, String> saeSha256, int k, boolean relu, String pooling) {

    public ExtractionProvenance {
        saeSha256 = saeSha256 == null ? Map.of() : new TreeMap<>(saeSha256);
    }
}
