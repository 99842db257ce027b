package org.toxiscope.synthesize;

/**
 * How coverage is summarised: the firing rate below which a target is weakly covered, the number of seeds of the
 * natural-sampling curve, and the seed they (and the run's sampling) derive from.
 */
public record CoverageSettings(double weakBelow, int curveSeeds, long seed) {
}
