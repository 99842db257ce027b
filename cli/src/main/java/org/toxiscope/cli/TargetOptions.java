package org.toxiscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.synthesize.Target;
import org.toxiscope.synthesize.TargetInventory;
import picocli.CommandLine.Option;

/** Where the target inventory comes from: a targets file, discover output, or a classifier bundle's features. */
final class TargetOptions {

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Targets, one 'layer:feature[,relevance]' (or L14:f2311) per line; # starts a comment.")
    Path targets;

    @Option(names = "--min-relevance", paramLabel = "TAU",
            description = "Keep only targets whose relevance in --targets is >= TAU (every line then needs one).")
    Double minRelevance;

    @Option(names = "--discover", paramLabel = "DELTA",
            description = "Targets from the delta table 'toxiscope discover' wrote (.csv or .json): top --top-n by "
                    + "delta per layer.")
    Path discover;

    @Option(names = "--top-n", defaultValue = "20", paramLabel = "N",
            description = "Features taken from --discover per layer, or from a linear classifier's positive weights "
                    + "(default ${DEFAULT-VALUE}).")
    int topN;

    /** The inventory from --targets or --discover, else from {@code bundle} (null: one of the flags is required). */
    List<Target> inventory(ClassifierBundle bundle) throws IOException {
        if (targets != null && discover != null) {
            throw new IllegalArgumentException("give --targets or --discover, not both");
        }
        List<Target> out;
        if (targets != null) {
            out = TargetInventory.fromFile(targets, minRelevance);
        } else if (discover != null) {
            out = TargetInventory.fromDelta(discover, topN);
        } else if (bundle != null) {
            out = TargetInventory.fromBundle(bundle, topN);
        } else {
            throw new IllegalArgumentException("give --targets FILE or --discover DELTA");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the target inventory is empty");
        }
        return out;
    }
}
