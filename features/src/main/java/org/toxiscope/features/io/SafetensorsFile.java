package org.toxiscope.features.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.toxiscope.common.Digests;

/**
 * A safetensors file whose header is fully validated on open (dtypes, shapes, sizes, ranges inside the file and not
 * overlapping) and whose tensors are memory-mapped one at a time, so multi-GB shards never sit in one array.
 */
public final class SafetensorsFile implements TensorSource {

    /** Largest header accepted; real headers are a few hundred KB. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA = "__metadata__";

    /** Bytes of a tensor's data read at each of its sampled places for {@link #addIdentity}. */
    static final int SAMPLE_BYTES = 256;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    /**
     * The whole file as bf16 values, owned by the manager of the first {@link #loadBf16} (a model's); a load into
     * another manager gets a mapping of its own, released with that manager (a layer reordered at load reads its
     * weight so, and must not leave the pages it read resident in the model's mapping).
     */
    private NDArray mapped;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; reads only the header. */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new MalformedFileException(path + ": file is " + size
                        + " bytes, too short for the 8-byte safetensors header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0, path);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > size - 8) {
                throw new MalformedFileException(path + ": header length " + Long.toUnsignedString(headerLen)
                        + " runs past the end of the file (" + size + " bytes); the file is truncated or not safetensors");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new MalformedFileException(path + ": header length " + headerLen + " is over the "
                        + MAX_HEADER_BYTES + "-byte limit");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(channel, header, 8, path);
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, header.flip(), size - dataStart, metadata);
            return new SafetensorsFile(path, channel, dataStart, tensors, Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path path) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new MalformedFileException(path + ": file ends at byte " + pos + " inside the header");
            }
            pos += n;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, ByteBuffer bytes, long dataSize,
            Map<String, String> metadata) throws MalformedFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFileException(path + ": header is not valid UTF-8", e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                JsonElement value = JsonParser.parseReader(reader);
                if (name.equals(METADATA)) {
                    parseMetadata(path, value, metadata);
                } else if (tensors.put(name, parseTensor(path, name, value, dataSize)) != null) {
                    throw new MalformedFileException(path + ": tensor '" + name + "' appears twice in the header");
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedFileException(path + ": header has data after its JSON object");
            }
        } catch (MalformedFileException e) {
            throw e;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new MalformedFileException(path + ": header is not valid JSON: " + e.getMessage(), e);
        }
        checkNoOverlap(path, tensors.values());
        return tensors;
    }

    private static void parseMetadata(Path path, JsonElement value, Map<String, String> metadata)
            throws MalformedFileException {
        if (!value.isJsonObject()) {
            throw new MalformedFileException(path + ": header field '__metadata__' is not an object");
        }
        for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new MalformedFileException(path + ": __metadata__ '" + e.getKey() + "' is not a string");
            }
            metadata.put(e.getKey(), v.getAsString());
        }
    }

    private static TensorInfo parseTensor(Path path, String name, JsonElement value, long dataSize)
            throws MalformedFileException {
        String where = path + ": tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw new MalformedFileException(where + ": header entry is not an object");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dtypeEl = o.get("dtype");
        if (dtypeEl == null || !dtypeEl.isJsonPrimitive() || !dtypeEl.getAsJsonPrimitive().isString()) {
            throw new MalformedFileException(where + ": missing string field 'dtype'");
        }
        TensorDtype dtype = TensorDtype.fromSafetensors(dtypeEl.getAsString());
        if (dtype == null) {
            throw new MalformedFileException(where + ": unknown dtype '" + dtypeEl.getAsString() + "' (known: "
                    + Arrays.toString(TensorDtype.values()) + ")");
        }
        long[] shape = longArray(where, o, "shape", -1);
        long[] offsets = longArray(where, o, "data_offsets", 2);
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorInfo.numel(shape), (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new MalformedFileException(where + ": shape " + Arrays.toString(shape) + " x " + dtype
                    + " overflows a 64-bit byte count");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new MalformedFileException(where + ": data_offsets [" + begin + ", " + end + "] run backwards");
        }
        if (end - begin != bytes) {
            throw new MalformedFileException(where + ": shape " + Arrays.toString(shape) + " x " + dtype + " = "
                    + bytes + " bytes but data_offsets span " + (end - begin));
        }
        if (end > dataSize) {
            throw new MalformedFileException(where + ": data_offsets [" + begin + ", " + end
                    + "] run past the data section (" + dataSize + " bytes); the file is truncated or corrupt");
        }
        return new TensorInfo(name, dtype.name(), shape, begin, end);
    }

    private static long[] longArray(String where, JsonObject o, String field, int expectedLength)
            throws MalformedFileException {
        JsonElement el = o.get(field);
        if (el == null || !el.isJsonArray()) {
            throw new MalformedFileException(where + ": missing array field '" + field + "'");
        }
        JsonArray arr = el.getAsJsonArray();
        if (expectedLength >= 0 && arr.size() != expectedLength) {
            throw new MalformedFileException(where + ": '" + field + "' has " + arr.size() + " entries, expected "
                    + expectedLength);
        }
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = arr.get(i);
            long v = -1;
            if (e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber()) {
                try {
                    v = Long.parseLong(e.getAsString());
                } catch (NumberFormatException ignored) {
                    v = -1;
                }
            }
            if (v < 0) {
                throw new MalformedFileException(where + ": '" + field + "' entry " + i + " (" + e
                        + ") is not a non-negative 64-bit integer");
            }
            out[i] = v;
        }
        return out;
    }

    private static void checkNoOverlap(Path path, Iterable<TensorInfo> infos) throws MalformedFileException {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.byteLength() == 0) {
                continue;
            }
            if (prev != null && t.begin() < prev.end()) {
                throw new MalformedFileException(path + ": tensor '" + t.name() + "' data [" + t.begin() + ", "
                        + t.end() + ") overlaps tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            prev = t;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of {@code name}; IllegalArgumentException naming the file where absent. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "' (the file has " + tensors.size()
                    + " tensors)");
        }
        return t;
    }

    /** The {@code __metadata__} entries (empty where absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public long[] shape(String name) {
        return info(name).shape();
    }

    /**
     * The values of {@code name} as a little-endian float32 buffer: F32 is the mapped slice itself (no copy), BF16 is
     * widened exactly, F16 converted exactly, F64 rounded. Tensors over 2 GiB as float32 need {@link #readF32Rows}.
     */
    public ByteBuffer readF32(String name) throws IOException {
        return readF32Rows(name, 0, TensorSource.rowCount(info(name).shape()));
    }

    /**
     * Rows {@code [fromRow, toRow)} along dimension 0 of {@code name} as float32 (see {@link #readF32}); lets a caller
     * stream a tensor too large for one buffer, or read only the embedding rows it needs.
     */
    public ByteBuffer readF32Rows(String name, long fromRow, long toRow) throws IOException {
        Rows r = rows(name, fromRow, toRow);
        return r.dtype.toF32(r.raw, r.numel, r.where);
    }

    @Override
    public void readF32RowsInto(String name, long fromRow, long toRow, ByteBuffer dst) throws IOException {
        Rows r = rows(name, fromRow, toRow);
        r.dtype.toF32Into(r.raw, r.numel, dst, r.where);
    }

    /**
     * A BF16 tensor whose bytes start at an even file offset is a view of one private mapping of this file (made once
     * per manager, so a shard is mapped once however many tensors it holds): nothing is copied, and only the pages of
     * the tensors used are ever read. On a GPU the view is copied to the device as bf16. Other dtypes and odd offsets
     * read as float32 and narrow.
     */
    @Override
    public NDArray loadBf16(NDManager manager, String name) throws IOException {
        TensorInfo t = info(name);
        long start = dataStart + t.begin();
        if (!t.dtype().equals("BF16") || start % 2 != 0 || t.numel() == 0) {
            return TensorSource.super.loadBf16(manager, name);
        }
        if (!manager.getDevice().isGpu()) {
            return view(manager, t, start);
        }
        try (NDManager cpu = manager.newSubManager(Device.cpu()); NDArray like = manager.zeros(new Shape(1))) {
            return Bf16Kernels.get().toDeviceOf(view(cpu, t, start), like);
        }
    }

    /** Tensor {@code t} (at file offset {@code start}) as a bf16 view of this file's mapping owned by {@code manager}. */
    private NDArray view(NDManager manager, TensorInfo t, long start) throws IOException {
        NDArray whole;
        boolean own;
        synchronized (this) {
            if (mapped == null || mapped.isReleased()) {
                mapped = Bf16Kernels.get().mapFile(path, channel.size() / 2, manager);
            }
            own = mapped.getManager() != manager;
            whole = own ? Bf16Kernels.get().mapFile(path, channel.size() / 2, manager) : mapped;
        }
        // An own mapping lives as long as the view: the view shares its storage.
        try (NDArray flat = whole.get(new NDIndex("{}:{}", start / 2, start / 2 + t.numel()))) {
            return flat.reshape(new Shape(t.shape()));
        } finally {
            if (own) {
                whole.close();
            }
        }
    }

    /** Mapped raw bytes of some rows, with what converting them needs. */
    private record Rows(ByteBuffer raw, long numel, TensorDtype dtype, String where) {
    }

    private Rows rows(String name, long fromRow, long toRow) throws IOException {
        TensorInfo t = info(name);
        String where = path + ": tensor '" + name + "'";
        long rowElements = TensorSource.checkRows(t.shape(), fromRow, toRow, where);
        TensorDtype dtype = TensorDtype.valueOf(t.dtype());
        long numel = (toRow - fromRow) * rowElements;
        dtype.requireF32Readable(numel, where);
        long rowBytes = rowElements * dtype.size();
        return new Rows(map(t, t.begin() + fromRow * rowBytes, numel * dtype.size()), numel, dtype, where);
    }

    private ByteBuffer map(TensorInfo t, long relativeOffset, long length) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + ": tensor '" + t.name() + "': " + length
                    + " bytes are over the 2 GiB one mapping holds; read it in row ranges with readF32Rows");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + relativeOffset, length)
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Feeds {@code digest} this file's identity: its size, its raw header and {@value #SAMPLE_BYTES} bytes at the
     * start, middle and end of every tensor's data (all of a smaller tensor). Two files with the same header whose
     * tensors differ (a fine-tune, other random weights) differ here at a cost of a few reads per tensor; a change of
     * a few values away from the sampled bytes is not seen (hashing every byte of a 60 GB checkpoint takes minutes).
     */
    public void addIdentity(Digests.Sha256 digest) throws IOException {
        ByteBuffer header = ByteBuffer.allocate((int) (dataStart - 8));
        readFully(channel, header, 8, path);
        // the lengths first, so that no two files' sequences of fed bytes can run together into the same stream
        digest.update(channel.size() + ":" + header.capacity() + "\0");
        digest.update(header.array());
        for (TensorInfo t : tensors.values()) {
            long length = t.byteLength();
            if (length <= 3L * SAMPLE_BYTES) {
                digest.update(readData(t.begin(), (int) length));
            } else {
                for (long at : new long[] {0, length / 2 - SAMPLE_BYTES / 2, length - SAMPLE_BYTES}) {
                    digest.update(readData(t.begin() + at, SAMPLE_BYTES));
                }
            }
        }
    }

    /** {@code length} bytes of the data section from {@code relativeOffset}, which the header check keeps inside. */
    private byte[] readData(long relativeOffset, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        readFully(channel, bytes, dataStart + relativeOffset, path);
        return bytes.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
