package org.toxiscope.synthesize;

import java.nio.file.Path;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.OutputPolicy;

/**
 * What one synthesize run does besides its session: the seed corpus (null: none), the generator's settings (exactly
 * one of {@code steer} and {@code describe}), steer's prompts (the built-in templates, or the first
 * {@code maxPrompts} seed-corpus texts), the instruct model (null: the main one), response tokens (null: no
 * responses), explanation size (contexts, signature tokens, and the seed-corpus texts the Query Lens reads for
 * describe's explanations, 0: no lens), the strategy ({@code random}: the same generator and budget without feature
 * targeting, every candidate kept), the per-target budget, coverage settings, and the output (a .jsonl file), its
 * report (null: beside the output) and what to do with the partial output an interrupted run left (resume it,
 * discard it, or refuse to touch it).
 */
public record SynthesisJob(Corpus seedCorpus, SteerSettings steer, DescribeSettings describe,
                           boolean promptsFromCorpus, int maxPrompts, String instructModel, Integer responseTokens,
                           int contexts, int signatureTokens, long lensTexts, boolean random,
                           int samplesPerFeature, int maxTries,
                           CoverageSettings coverage, Path output, Path report,
                           OutputPolicy.Existing existing) {

    public SynthesisJob {
        if ((steer == null) == (describe == null)) {
            throw new IllegalArgumentException("give the settings of exactly one generator");
        }
        if (promptsFromCorpus && seedCorpus == null) {
            throw new IllegalArgumentException("--prompts corpus needs --seed-corpus");
        }
        if (!output.getFileName().toString().endsWith(".jsonl")) {
            throw new IllegalArgumentException("--output must be a .jsonl file");
        }
        if (lensTexts < 0) {
            throw new IllegalArgumentException("--lens-texts must be >= 0");
        }
        if (report == null) {
            report = output.resolveSibling(output.getFileName().toString().replaceFirst("\\.jsonl$", "")
                    + ".coverage.json");
        }
    }

    public String generator() {
        return steer != null ? "steer" : "describe";
    }

    /** {@code feature} (aimed at the targets) or {@code random} (the same generator and budget, untargeted). */
    public String strategy() {
        return random ? "random" : "feature";
    }

    /** Whether an instruct model is needed: for describe, or for responses. */
    boolean needsInstruct() {
        return describe != null || responseTokens != null;
    }
}
