package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.toxiscope.common.Digests;
import org.toxiscope.common.HfCache;
import org.toxiscope.common.SmallFile;
import org.toxiscope.features.io.CheckpointWeights;
import org.toxiscope.features.io.MalformedFileException;

/**
 * A Hugging Face model folder (config.json, tokenizer.json, safetensors single file or shards), given as a path or a
 * Hugging Face id resolved in the local cache; weights are read lazily, so loading blocks 0..L never maps later shards.
 */
public final class ModelCheckpoint implements Weights, AutoCloseable {

    private final String id;
    private final Path dir;
    private final ModelConfig config;
    private final String configSha256;
    private final CheckpointWeights weights;
    private String weightsDigest;
    private String tokenizerSha256;

    private ModelCheckpoint(String id, Path dir, ModelConfig config, String configSha256, CheckpointWeights weights) {
        this.id = id;
        this.dir = dir;
        this.config = config;
        this.configSha256 = configSha256;
        this.weights = weights;
    }

    /** Opens {@code spec}: a model folder, or a Hugging Face id ({@code Qwen/Qwen3-1.7B-Base[@rev]}) in the local cache. */
    public static ModelCheckpoint open(String spec) throws IOException {
        Path dir = HfCache.fromEnvironment().resolve(spec, HfCache.RepoType.MODEL);
        Path configJson = dir.resolve("config.json");
        if (!Files.isRegularFile(configJson)) {
            throw new IOException(dir + ": no config.json (is this a Hugging Face model folder?)");
        }
        ModelConfig config = ModelConfig.read(configJson);
        ModelCheckpoint checkpoint = new ModelCheckpoint(spec, dir, config, Digests.sha256(configJson),
                CheckpointWeights.open(dir));
        try {
            CheckedWeights.requireCounts(config, checkpoint, dir.toString());
        } catch (IOException | RuntimeException e) {
            checkpoint.close();
            throw e;
        }
        return checkpoint;
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    /** SHA-256 of config.json, recorded in provenance. */
    public String configSha256() {
        return configSha256;
    }

    /**
     * The weights' identity ({@link CheckpointWeights#identity}: shard names, sizes, headers and sampled tensor
     * bytes), computed on first call. It is taken from the files rather than from a Hugging Face revision, so a
     * folder and a cache snapshot of the same weights agree, and a commit that changes only the README changes
     * nothing.
     */
    public synchronized String weightsDigest() throws IOException {
        if (weightsDigest == null) {
            weightsDigest = weights.identity();
        }
        return weightsDigest;
    }

    /** SHA-256 of the {@code tokenizer.json} {@link #tokenizer} reads (the only tokenizer file it reads), on first call. */
    public synchronized String tokenizerSha256() throws IOException {
        if (tokenizerSha256 == null) {
            Path file = tokenizerFile();
            SmallFile.check(file, SmallFile.MAX_TOKENIZER_BYTES);
            tokenizerSha256 = Digests.sha256(file);
        }
        return tokenizerSha256;
    }

    /**
     * Opens the model's tokenizer.json, refused naming both files when it can produce an id past config.json's
     * vocab_size (the embedding's rows): such an id would otherwise reach libtorch as an out-of-bounds index.
     */
    public QwenTokenizer tokenizer() throws IOException {
        QwenTokenizer tokenizer = QwenTokenizer.open(tokenizerFile());
        if (tokenizer.largestId() >= config.vocabSize()) {
            tokenizer.close();
            throw new MalformedFileException(tokenizer.file() + ": yields token ids up to " + tokenizer.largestId()
                    + " but " + dir.resolve("config.json") + " gives vocab_size " + config.vocabSize() + " (ids 0.."
                    + (config.vocabSize() - 1) + "): the tokenizer does not belong to this model");
        }
        return tokenizer;
    }

    private Path tokenizerFile() {
        return dir.resolve("tokenizer.json");
    }

    /** An IllegalArgumentException naming the model and its blocks where {@code layer} is past its last block. */
    public void requireLayer(int layer) {
        int blocks = config.numLayers();
        if (layer >= blocks) {
            throw new IllegalArgumentException("layer " + layer + " does not exist: " + id + " has " + blocks
                    + " blocks (0.." + (blocks - 1) + ")");
        }
    }

    /**
     * Loads the model on {@code device} in {@code dtype}: blocks 0..lastBlock only, or everything with the head when -1; every
     * tensor's shape is checked against config.json before it is allocated, and the loaded ones checked finite.
     */
    public LanguageModel load(Device device, ComputeDtype dtype, int lastBlock) {
        try (NDManager checks = NDManager.newBaseManager(device)) {
            CheckedWeights checked = new CheckedWeights(config, this, dir.toString(), checks);
            LanguageModel model = LanguageModel.load(config, checked, device, dtype, lastBlock);
            try {
                checked.requireFinite();
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return model;
        }
    }

    @Override
    public boolean has(String name) {
        return weights.has(name);
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return load(name, manager, ComputeDtype.F32);
    }

    /**
     * Converted straight into engine memory: no Java buffer (nor the read-only mapping) backs a float32 array; in bf16
     * on CPU a stored BF16 tensor is a view of the mapped shard, its bytes never copied.
     */
    @Override
    public NDArray load(String name, NDManager manager, ComputeDtype dtype) {
        try {
            if (!weights.has(name)) {
                throw new IOException(dir + ": tensor '" + name + "' is missing from the checkpoint");
            }
            return dtype == ComputeDtype.F32 ? weights.loadF32(manager, name) : weights.loadBf16(manager, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public long[] tensorShape(String name) {
        try {
            if (!weights.has(name)) {
                throw new IOException(dir + ": tensor '" + name + "' is missing from the checkpoint");
            }
            return weights.shape(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        weights.close();
    }
}
