package org.toxiscope.cli;

import java.nio.file.Path;
import org.toxiscope.features.extract.SessionSpec;
import picocli.CommandLine.Option;

/** Flags for turning texts into features: pooling, token limit, batching, SAE memory budget, feature cache. */
final class FeatureOptions {

    @Option(names = "--pool", defaultValue = "max", paramLabel = "max|mean|sum|last",
            description = "Pooling over a text's tokens (default ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = "--max-tokens", defaultValue = "0", paramLabel = "N",
            description = "Cut texts to N tokens, counting how many were cut (default 0: the model's "
                    + "max_position_embeddings from config.json).")
    int maxTokens;

    @Option(names = "--batch-tokens", defaultValue = "" + SessionSpec.DEFAULT_BATCH_TOKENS, paramLabel = "N",
            description = "Padded tokens per forward batch (default ${DEFAULT-VALUE}); texts are grouped by length.")
    int batchTokens;

    @Option(names = "--max-batch", defaultValue = "" + SessionSpec.DEFAULT_MAX_BATCH, paramLabel = "N", description = "Texts per batch at most.")
    int maxBatch;

    @Option(names = "--max-memory", defaultValue = "8G", paramLabel = "BYTES",
            description = "Memory for SAE encoders (e.g. 8G); more layers than fit run in several passes (default ${DEFAULT-VALUE}).")
    String maxMemory;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Feature cache folder (default: $XDG_CACHE_HOME/toxiscope/features or ~/.cache/toxiscope/features).")
    Path cache;

    @Option(names = "--no-cache", description = "Do not read or write the feature cache.")
    boolean noCache;

    long maxMemoryBytes() {
        return parseBytes(maxMemory);
    }

    /** The cache folder, or null with --no-cache. */
    Path cacheDir() {
        if (noCache) {
            return null;
        }
        return cache != null ? cache : CachePaths.root().resolve("features");
    }

    static long parseBytes(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if ("KMGT".indexOf(last) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(last) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            return (long) (Double.parseDouble(t) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-memory: '" + s + "' is not a size such as 8G or 512M");
        }
    }
}
