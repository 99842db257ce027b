package org.toxiscope.cli;

import org.toxiscope.synthesize.CoverageSettings;
import picocli.CommandLine.Option;

/** How coverage is summarised: the weak-coverage threshold and the seeds of the natural-sampling curve. */
final class CoverageOptions {

    @Option(names = "--weak-below", defaultValue = "0.001", paramLabel = "RATE",
            description = "A target firing on fewer than this fraction of the corpus is weakly covered (synthesize: "
                    + "and is synthesized for too) (default ${DEFAULT-VALUE}; 0 = none is weak).")
    double weakBelow;

    @Option(names = "--curve-seeds", defaultValue = "5", paramLabel = "N",
            description = "Seeds of the natural-sampling curve (default ${DEFAULT-VALUE}).")
    int curveSeeds;

    /** These flags with the run's {@code seed}. */
    CoverageSettings settings(long seed) {
        return new CoverageSettings(weakBelow, curveSeeds, seed);
    }
}
