package org.toxiscope.synthesize;

import java.io.IOException;
import java.util.List;

/**
 * A generator of candidate examples for a target, in deterministic batches: batch {@code b} of a target is the same
 * on every run with the same settings, which makes resuming reproduce an uninterrupted run.
 */
public interface CandidateSource {

    /** The generator's name in the output ({@code steer}, {@code describe}). */
    String name();

    /** Candidates of batch {@code batch} for {@code target}, attempts numbered from {@code firstAttempt}. */
    List<Candidate> batch(Target target, FeatureExplanation explanation, int batch, int firstAttempt)
            throws IOException;

    /** Settings to record as provenance, as column name to value. */
    java.util.Map<String, String> provenance();
}
