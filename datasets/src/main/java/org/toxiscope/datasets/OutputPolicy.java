package org.toxiscope.datasets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a corpus writer does with the partial output an earlier run left at its name, and the settings that make this
 * output ({@code madeBy}: an ordered name-to-value map only the caller understands), which a resume must match.
 */
public record OutputPolicy(Existing existing, Map<String, String> madeBy) {

    /** An earlier run's partial output: refused (nothing is deleted), continued, or discarded. */
    public enum Existing { REFUSE, RESUME, OVERWRITE }

    public OutputPolicy {
        if (existing == null) {
            throw new IllegalArgumentException("say what to do with an existing partial output");
        }
        madeBy = Collections.unmodifiableMap(new LinkedHashMap<>(madeBy));
    }

    /** {@link Existing#RESUME} with {@code resume}, else {@link Existing#OVERWRITE} with {@code overwrite}, else refuse. */
    public static OutputPolicy of(boolean resume, boolean overwrite, Map<String, String> madeBy) {
        if (resume && overwrite) {
            throw new IllegalArgumentException("give --resume or --overwrite, not both");
        }
        return new OutputPolicy(resume ? Existing.RESUME : overwrite ? Existing.OVERWRITE : Existing.REFUSE, madeBy);
    }

    /** A one-off output (tests, generated data): any earlier partial is discarded and nothing is compared. */
    public static OutputPolicy overwrite() {
        return new OutputPolicy(Existing.OVERWRITE, Map.of());
    }
}
