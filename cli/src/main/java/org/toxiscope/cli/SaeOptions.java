package org.toxiscope.cli;

import java.io.IOException;
import java.util.List;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.extract.LayerSelection;
import org.toxiscope.features.sae.SaeResolver;
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

    @Option(names = "--relu", negatable = true, paramLabel = "",
            description = "Apply ReLU before top-k (--no-relu: never). Default: the SAE format's convention, top-k of "
                    + "the raw pre-activations for Qwen-Scope files (as the model card defines), ReLU for SAELens top-k.")
    Boolean relu;

    /** The chosen layers, sorted. */
    List<Integer> layerList() throws IOException {
        if (layers.layer != null) {
            return List.of(layers.layer);
        }
        return LayerSelection.parse(layers.spec, new SaeResolver(HfCache.fromEnvironment()).availableLayers(sae));
    }

    boolean singleLayer() {
        return layers.layer != null;
    }
}
