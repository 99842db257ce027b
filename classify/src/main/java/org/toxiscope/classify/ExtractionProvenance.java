package org.toxiscope.classify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.RuntimeInfo;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.sae.SaeSpec;

/**
 * What produced the features a classifier reads, derived from the {@link FeatureSession} that extracted them: the
 * model (id, sha256 of its config, the digest of its weights ({@link ModelCheckpoint#weightsDigest}) and the sha256
 * of its tokenizer), the SAE (id, sha256 and width of each layer's file), k, whether ReLU preceded top-k, the token
 * pooling, the token limit per text and the dtype, and the software and device that ran it ({@code runtime},
 * recorded, never compared). Bundles written before the token limit and dtype were recorded read them as null, meaning
 * 0 (no limit) and f32, the only settings those versions used by default; their runtime reads as null. Sessions now
 * resolve "no limit" to the model's {@code max_position_embeddings} and record that number. Bundles written before the
 * weights and tokenizer were recorded read those as null: they cannot be checked ({@link #recordsModelIdentity}).
 */
public record ExtractionProvenance(String modelId, String modelConfigSha256, String modelWeightsDigest,
                                   String tokenizerSha256, String saeId, Map<Integer, String> saeSha256,
                                   Map<Integer, Integer> saeWidth, int k, boolean relu, String pooling,
                                   Integer maxTokens, String dtype, RuntimeInfo runtime) {

    public ExtractionProvenance {
        saeSha256 = saeSha256 == null ? Map.of() : new TreeMap<>(saeSha256);
        saeWidth = saeWidth == null ? Map.of() : new TreeMap<>(saeWidth);
    }

    /** What {@code session} extracts, from its resolved settings, its files' digests and its SAEs' widths. */
    public static ExtractionProvenance of(FeatureSession session) throws IOException {
        SessionSpec spec = session.spec();
        Map<Integer, String> hashes = new TreeMap<>();
        for (SaeSpec sae : session.saes().values()) {
            hashes.put(sae.layer(), sae.sha256());
        }
        ModelCheckpoint model = session.checkpoint();
        return new ExtractionProvenance(model.id(), model.configSha256(), model.weightsDigest(),
                model.tokenizerSha256(), spec.sae(), hashes, session.saeWidths(), spec.k() == null ? 0 : spec.k(),
                Boolean.TRUE.equals(spec.relu()), spec.pooling().id(), spec.maxTokens(), spec.dtype(),
                RuntimeInfo.of(spec.device()));
    }

    /** Whether the weights digest and tokenizer sha256 were recorded (bundles of earlier versions lack them). */
    public boolean recordsModelIdentity() {
        return modelWeightsDigest != null && tokenizerSha256 != null;
    }

    /** The same provenance with another token limit. */
    public ExtractionProvenance withMaxTokens(Integer limit) {
        return new ExtractionProvenance(modelId, modelConfigSha256, modelWeightsDigest, tokenizerSha256, saeId, saeSha256,
                saeWidth, k, relu, pooling, limit, dtype, runtime);
    }

    /** The token limit as recorded, 0 for bundles that predate recording it. */
    public int tokenLimit() {
        return maxTokens == null ? 0 : maxTokens;
    }

    /** The dtype as recorded, f32 for bundles that predate recording it. */
    public String computeDtype() {
        return dtype == null ? SessionSpec.F32 : dtype;
    }

    /**
     * The session settings that reproduce these features at {@code layers} (the recorded dtype included), reading
     * the model and SAE from {@code model}/{@code sae} where given (the files moved) and from the recorded ids
     * otherwise.
     */
    public SessionSpec sessionSpec(String model, String sae, List<Integer> layers) {
        return SessionSpec.of(model != null ? model : modelId, sae != null ? sae : saeId, layers)
                .withSae(k > 0 ? k : null, relu).withDtype(computeDtype())
                .withExtraction(Pooling.parse(pooling), tokenLimit(), SessionSpec.DEFAULT_BATCH_TOKENS,
                        SessionSpec.DEFAULT_MAX_BATCH);
    }

    /**
     * Every setting in which {@code current} extracts features differently from these, as "field: ..." sentences
     * (empty when they agree); the SAE digests are compared only at {@code layers}.
     */
    public List<String> differences(ExtractionProvenance current, int[] layers) {
        List<String> problems = new ArrayList<>();
        if (!Objects.equals(modelConfigSha256, current.modelConfigSha256())) {
            problems.add("model config sha256 is " + current.modelConfigSha256() + " but the classifier was trained on "
                    + modelId + " with config sha256 " + modelConfigSha256);
        }
        // Unrecorded (an earlier version's bundle) is not a difference: ClassifierBundle warns that it went unchecked.
        if (modelWeightsDigest != null && !modelWeightsDigest.equals(current.modelWeightsDigest())) {
            problems.add("model weights digest is " + current.modelWeightsDigest() + " but the classifier was trained"
                    + " on " + modelId + " with weights digest " + modelWeightsDigest);
        }
        if (tokenizerSha256 != null && !tokenizerSha256.equals(current.tokenizerSha256())) {
            problems.add("tokenizer sha256 is " + current.tokenizerSha256() + " but the classifier was trained on "
                    + modelId + " with tokenizer sha256 " + tokenizerSha256);
        }
        for (int layer : layers) {
            String want = saeSha256.get(layer);
            String got = current.saeSha256().get(layer);
            if (got == null) {
                problems.add("no SAE given for layer " + layer + " (the classifier needs " + saeId + " layer "
                        + layer + ", sha256 " + want + ")");
            } else if (!got.equals(want)) {
                problems.add("SAE for layer " + layer + " has sha256 " + got + " but the classifier was trained with "
                        + saeId + " layer " + layer + ", sha256 " + want);
            }
        }
        if (k != current.k()) {
            problems.add("SAE k is " + current.k() + " but the classifier was trained with k " + k);
        }
        if (relu != current.relu()) {
            problems.add("SAE ReLU is " + current.relu() + " but the classifier was trained with " + relu);
        }
        if (!Objects.equals(pooling, current.pooling())) {
            problems.add("pooling is " + current.pooling() + " but the classifier was trained with " + pooling);
        }
        if (tokenLimit() != current.tokenLimit()) {
            problems.add("max_tokens is " + current.tokenLimit() + " but the classifier was trained with "
                    + tokenLimit());
        }
        if (!computeDtype().equals(current.computeDtype())) {
            problems.add("dtype is " + current.computeDtype() + " but the classifier was trained with "
                    + computeDtype());
        }
        return problems;
    }
}
