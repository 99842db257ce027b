package org.toxiscope.features.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.toxiscope.common.Digests;
import org.toxiscope.common.SmallFile;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}; shards are opened lazily, on the first access to one of their tensors.
 */
public final class CheckpointWeights implements TensorSource {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final long MAX_INDEX_BYTES = 100L << 20;

    private final Path dir;
    private final Map<String, String> shardOf;
    private final Map<String, SafetensorsFile> open = new HashMap<>();

    private CheckpointWeights(Path dir, Map<String, String> shardOf) {
        this.dir = dir;
        this.shardOf = shardOf;
    }

    /**
     * Opens a model folder (sharded index first, else {@code model.safetensors}) or a single {@code .safetensors}
     * file; reads only the index, or the single file's header.
     */
    public static CheckpointWeights open(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return single(path.toAbsolutePath().getParent(), path.getFileName().toString());
        }
        if (!Files.isDirectory(path)) {
            throw new FileNotFoundException(path + ": no such model folder or safetensors file");
        }
        Path index = path.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return new CheckpointWeights(path, readIndex(path, index));
        }
        if (Files.isRegularFile(path.resolve(SINGLE_FILE))) {
            return single(path, SINGLE_FILE);
        }
        throw new FileNotFoundException(path + ": neither " + INDEX_FILE + " nor " + SINGLE_FILE
                + " is in this folder");
    }

    private static CheckpointWeights single(Path dir, String file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(dir.resolve(file));
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (String name : f.names()) {
            shardOf.put(name, file);
        }
        CheckpointWeights w = new CheckpointWeights(dir, Collections.unmodifiableMap(shardOf));
        w.open.put(file, f);
        return w;
    }

    private static Map<String, String> readIndex(Path dir, Path index) throws IOException {
        String text = SmallFile.readUtf8(index, MAX_INDEX_BYTES);
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new MalformedFileException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
        if (map == null || !map.isJsonObject()) {
            throw new MalformedFileException(index + ": missing object field 'weight_map'");
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        Set<String> checked = new TreeSet<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) map).entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new MalformedFileException(index + ": weight_map '" + e.getKey() + "' is not a file name");
            }
            String shard = v.getAsString();
            if (checked.add(shard)) {
                requirePlainShard(dir, index, e.getKey(), shard);
            }
            shardOf.put(e.getKey(), shard);
        }
        return Collections.unmodifiableMap(shardOf);
    }

    private static void requirePlainShard(Path dir, Path index, String tensor, String shard) throws IOException {
        Path name = Path.of(shard).getFileName();
        if (shard.isEmpty() || name == null || !name.toString().equals(shard) || shard.equals("..")
                || shard.equals(".")) {
            throw new MalformedFileException(index + ": weight_map '" + tensor + "' names '" + shard
                    + "', not a file name inside the model folder");
        }
        if (!Files.isRegularFile(dir.resolve(shard))) {
            throw new FileNotFoundException(index + ": weight_map '" + tensor + "' names shard " + shard
                    + " which is not in " + dir);
        }
    }

    /** The model folder. */
    public Path dir() {
        return dir;
    }

    @Override
    public boolean has(String name) {
        return shardOf.containsKey(name);
    }

    /** All tensor names, in index (or header) order. */
    @Override
    public Set<String> names() {
        return shardOf.keySet();
    }

    /** The header entry of {@code name}; opens its shard's header if not yet open. */
    public TensorInfo info(String name) throws IOException {
        return shard(name).info(name);
    }

    @Override
    public long[] shape(String name) throws IOException {
        return info(name).shape();
    }

    @Override
    public void readF32RowsInto(String name, long fromRow, long toRow, ByteBuffer dst) throws IOException {
        shard(name).readF32RowsInto(name, fromRow, toRow, dst);
    }

    @Override
    public NDArray loadBf16(NDManager manager, String name) throws IOException {
        return shard(name).loadBf16(manager, name);
    }

    /** {@link SafetensorsFile#readF32} of {@code name} from its shard. */
    public ByteBuffer readF32(String name) throws IOException {
        return shard(name).readF32(name);
    }

    /** {@link SafetensorsFile#readF32Rows} of {@code name} from its shard. */
    public ByteBuffer readF32Rows(String name, long fromRow, long toRow) throws IOException {
        return shard(name).readF32Rows(name, fromRow, toRow);
    }

    /** The shard file name holding {@code name}, as the index says. */
    public String shardName(String name) {
        String shard = shardOf.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(dir + ": no tensor '" + name + "' in this checkpoint ("
                    + shardOf.size() + " tensors)");
        }
        return shard;
    }

    /**
     * The weights' identity: SHA-256 over every shard, in name order, of its name and {@link
     * SafetensorsFile#addIdentity} (size, header, sampled bytes of each tensor). Opens every shard's header.
     */
    public synchronized String identity() throws IOException {
        Digests.Sha256 digest = new Digests.Sha256();
        for (String shard : new TreeSet<>(shardOf.values())) {
            digest.update(shard + "\0");
            openShard(shard).addIdentity(digest);
        }
        return digest.hex();
    }

    private synchronized SafetensorsFile shard(String name) throws IOException {
        String shard = shardName(name);
        SafetensorsFile f = openShard(shard);
        if (!f.has(name)) {
            throw new MalformedFileException(dir.resolve(INDEX_FILE) + ": weight_map puts tensor '" + name
                    + "' in " + shard + " but that shard has no such tensor");
        }
        return f;
    }

    private synchronized SafetensorsFile openShard(String shard) throws IOException {
        SafetensorsFile f = open.get(shard);
        if (f == null) {
            f = SafetensorsFile.open(dir.resolve(shard));
            open.put(shard, f);
        }
        return f;
    }

    /** Closes every opened shard. */
    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
