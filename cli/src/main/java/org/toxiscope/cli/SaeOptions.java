package org.toxiscope.cli;

import java.io.IOException;
import java.util.List;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.LayerSelection;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The SAE flags: which SAE release, which layer(s), k and the ReLU option. */
final class SaeOptions {

    @Option(names = "--sae", required = true, paramLabel = "PATH_OR_ID",
            description = "Qwen-Scope layer{n}.sae.pt file, a folder of them, a SAELens folder (cfg.json + "
                    + "sae_weights.safetensors), or a HF id in the local cache, e.g. Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50.")
    String sae;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Layers layers;

    static final class Layers {
        @Option(names = "--layer", paramLabel = "L", description = "The SAE layer: residual at the output of block L.")
        Integer layer;

        @Option(names = "--layers", paramLabel = "SPEC",
                description = "Several layers in one pass: e.g. 3,8-20 or all (every layer{n}.sae.pt of an SAE folder).")
        String spec;
    }

    @Option(names = "--k", paramLabel = "K",
            description = "Top-k of the SAE (default: from the release name, e.g. L0_50, or the SAELens cfg).")
    Integer k;

    @Option(names = "--relu", description = "Apply ReLU before top-k, as the release's demo app does "
            + "(default: top-k of the raw pre-activations, as the model card defines).")
    boolean relu;

    /** The chosen layers, sorted. */
    List<Integer> layerList() throws IOException {
        if (layers.layer != null) {
            return List.of(layers.layer);
        }
        return LayerSelection.parse(layers.spec, FeatureSession.availableLayers(sae));
    }

    boolean singleLayer() {
        return layers.layer != null;
    }
}
