package org.toxiscope.features.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.toxiscope.features.io.SafeUnpickler.Global;

/**
 * A {@code torch.save} zip checkpoint holding a (possibly nested) dict of tensors, read without executing pickle
 * code: only allowlisted globals, storages checked against their zip entries on open, tensor values read lazily
 * (memory-mapped where the entry is stored uncompressed, as torch writes it).
 */
public final class TorchCheckpoint implements TensorSource {

    /** Largest {@code data.pkl} accepted; a state dict's pickle is a few KB per tensor. */
    public static final long MAX_PICKLE_BYTES = 64L << 20;

    /** Deepest dict nesting searched for tensors; a pickle can make a dict contain itself. */
    private static final int MAX_NESTING = 8;
    private static final Pattern DATA_PKL = Pattern.compile("[^/]+/data\\.pkl");
    private static final String ALLOWED_HINT = "a tensor state dict needs only collections.OrderedDict,"
            + " torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage types";
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Global REBUILD_PARAMETER_WITH_STATE =
            new Global("torch._utils", "_rebuild_parameter_with_state");
    private static final Map<Global, TensorDtype> STORAGES = Map.of(
            new Global("torch", "FloatStorage"), TensorDtype.F32,
            new Global("torch", "DoubleStorage"), TensorDtype.F64,
            new Global("torch", "HalfStorage"), TensorDtype.F16,
            new Global("torch", "BFloat16Storage"), TensorDtype.BF16,
            new Global("torch", "LongStorage"), TensorDtype.I64,
            new Global("torch", "IntStorage"), TensorDtype.I32,
            new Global("torch", "ShortStorage"), TensorDtype.I16,
            new Global("torch", "CharStorage"), TensorDtype.I8,
            new Global("torch", "ByteStorage"), TensorDtype.U8,
            new Global("torch", "BoolStorage"), TensorDtype.BOOL);
    private static final Set<Global> ALLOWED;

    static {
        Set<Global> s = new HashSet<>(STORAGES.keySet());
        s.addAll(List.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE));
        ALLOWED = Set.copyOf(s);
    }

    /** A storage named by a persistent id, validated against its zip entry. */
    private record Storage(String key, TensorDtype dtype, long numel, ZipArchiveEntry entry) {
    }

    private final Path path;
    private final ZipFile zip;
    private final FileChannel channel;
    private final Map<String, TorchTensor> tensors;
    private final Map<String, Storage> storages;

    private TorchCheckpoint(Path path, ZipFile zip, FileChannel channel, Map<String, TorchTensor> tensors,
            Map<String, Storage> storages) {
        this.path = path;
        this.zip = zip;
        this.channel = channel;
        this.tensors = tensors;
        this.storages = storages;
    }

    /** Opens {@code path}, validates the archive and the pickle, and describes every tensor; reads no tensor data. */
    public static TorchCheckpoint open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        ZipFile zip = null;
        try {
            checkMagic(path, channel);
            try {
                zip = ZipFile.builder().setSeekableByteChannel(channel).get();
            } catch (IOException | RuntimeException e) {
                throw new MalformedFileException(path + ": not a readable torch.save zip archive (" + e.getMessage()
                        + "); the file is truncated or corrupt", e);
            }
            String top = topFolder(path, zip);
            checkByteOrder(path, zip, top);
            byte[] pickle = readSmallEntry(path, zip, top + "/data.pkl", MAX_PICKLE_BYTES);
            Map<String, Storage> storages = new HashMap<>();
            Object root = SafeUnpickler.load(pickle, path.toString(), ALLOWED, ALLOWED_HINT,
                    new Rebuilder(path, zip, top, channel.size(), storages));
            if (!(root instanceof Map)) {
                throw new MalformedFileException(path + ": the pickled object is a " + SafeUnpickler.typeName(root)
                        + ", expected a dict of tensors (a state dict)");
            }
            Map<String, TorchTensor> tensors = new LinkedHashMap<>();
            flatten(path, "", (Map<?, ?>) root, tensors, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
            return new TorchCheckpoint(path, zip, channel, Collections.unmodifiableMap(tensors), storages);
        } catch (IOException | RuntimeException e) {
            if (zip != null) {
                zip.close();
            }
            channel.close();
            throw e;
        }
    }

    private static void checkMagic(Path path, FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4);
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        byte[] b = head.array();
        if (head.position() == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
            return;
        }
        if (head.position() > 0 && (b[0] & 0xff) == 0x80) {
            throw new MalformedFileException(path + ": legacy (pre-1.6) torch.save format is not supported; re-save"
                    + " it with a current torch (zip format) or convert it to safetensors");
        }
        throw new MalformedFileException(path + ": not a torch.save zip archive (no zip signature at the start)");
    }

    private static String topFolder(Path path, ZipFile zip) throws MalformedFileException {
        List<String> pickles = new ArrayList<>();
        for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
            if (DATA_PKL.matcher(e.getName()).matches()) {
                pickles.add(e.getName());
            }
        }
        if (pickles.size() != 1) {
            throw new MalformedFileException(path + ": expected exactly one <folder>/data.pkl entry, found "
                    + pickles.size() + " " + pickles);
        }
        String p = pickles.get(0);
        return p.substring(0, p.indexOf('/'));
    }

    private static void checkByteOrder(Path path, ZipFile zip, String top) throws IOException {
        if (zip.getEntry(top + "/byteorder") == null) {
            return;
        }
        String order = new String(readSmallEntry(path, zip, top + "/byteorder", 16), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) {
            throw new MalformedFileException(path + ": byteorder entry says '" + order + "'; only little-endian"
                    + " checkpoints are supported");
        }
    }

    private static byte[] readSmallEntry(Path path, ZipFile zip, String name, long limit) throws IOException {
        ZipArchiveEntry e = zip.getEntry(name);
        if (e == null) {
            throw new MalformedFileException(path + ": zip entry " + name + " is missing");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) limit + 1);
            if (b.length > limit) {
                throw new MalformedFileException(path + ": zip entry " + name + " is over the " + limit + "-byte limit");
            }
            return b;
        } catch (MalformedFileException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new MalformedFileException(path + ": zip entry " + name + " cannot be read (" + ex.getMessage()
                    + ")", ex);
        }
    }

    /** Builds storages and tensors for the unpickler; everything it accepts is checked against the archive. */
    private record Rebuilder(Path path, ZipFile zip, String top, long fileSize, Map<String, Storage> storages)
            implements SafeUnpickler.Callbacks {

        @Override
        public Object persistentLoad(Object pid, String where) throws IOException {
            if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                    || !(t[1] instanceof Global type) || !(t[2] instanceof String key) || !(t[4] instanceof Long numel)
                    || numel < 0) {
                throw new MalformedFileException(where + ": persistent id is not ('storage', type, key, location,"
                        + " numel)");
            }
            TensorDtype dtype = STORAGES.get(type);
            if (dtype == null) {
                throw new MalformedFileException(where + ": '" + type + "' is not a storage type");
            }
            Storage known = storages.get(key);
            if (known != null) {
                if (known.dtype != dtype || known.numel != numel) {
                    throw new MalformedFileException(where + ": storage '" + key + "' is described twice differently");
                }
                return known;
            }
            String name = top + "/data/" + key;
            ZipArchiveEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new MalformedFileException(where + ": storage '" + key + "' has no zip entry " + name);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, (long) dtype.size());
            } catch (ArithmeticException e) {
                throw new MalformedFileException(where + ": storage '" + key + "' element count " + numel
                        + " overflows");
            }
            if (entry.getSize() < bytes) {
                throw new MalformedFileException(path + ": storage '" + key + "' claims " + numel + " x " + dtype
                        + " = " + bytes + " bytes but its zip entry " + name + " holds " + entry.getSize());
            }
            // torch writes each storage as exactly its bytes; an entry declaring more (a zip bomb's 2 GB behind a
            // 4 MB storage) is refused here, before anything is inflated.
            if (entry.getSize() > bytes) {
                throw new MalformedFileException(path + ": zip entry " + name + " declares " + entry.getSize()
                        + " bytes but storage '" + key + "' is " + numel + " x " + dtype + " = " + bytes + " bytes");
            }
            if (entry.getMethod() == ZipArchiveEntry.STORED
                    && (entry.getDataOffset() < 0 || entry.getDataOffset() > fileSize - entry.getSize())) {
                throw new MalformedFileException(path + ": zip entry " + name + " runs past the end of the file"
                        + " (truncated)");
            }
            Storage s = new Storage(key, dtype, numel, entry);
            storages.put(key, s);
            return s;
        }

        @Override
        public Object reduce(Global fn, Object[] args, String where) throws IOException {
            if (fn.equals(ORDERED_DICT) && args.length == 0) {
                return new LinkedHashMap<>();
            }
            if (fn.equals(REBUILD_TENSOR) && (args.length == 6 || args.length == 7)) {
                return rebuildTensor(args, where);
            }
            if ((fn.equals(REBUILD_PARAMETER) && args.length == 3)
                    || (fn.equals(REBUILD_PARAMETER_WITH_STATE) && args.length == 4)) {
                if (args[0] instanceof TorchTensor) {
                    return args[0];
                }
            }
            throw new MalformedFileException(where + ": call of " + fn + " with " + args.length
                    + " arguments is not a tensor state dict construct");
        }

        private TorchTensor rebuildTensor(Object[] args, String where) throws MalformedFileException {
            if (!(args[0] instanceof Storage s) || !(args[1] instanceof Long offset) || offset < 0) {
                throw new MalformedFileException(where + ": _rebuild_tensor_v2 needs (storage, offset, size, stride,"
                        + " ...)");
            }
            long[] shape = longs(args[2], where, "size");
            long[] stride = longs(args[3], where, "stride");
            if (shape.length != stride.length) {
                throw new MalformedFileException(where + ": size " + Arrays.toString(shape) + " and stride "
                        + Arrays.toString(stride) + " differ in rank");
            }
            try {
                long numel = 1;
                long last = offset;
                for (int i = 0; i < shape.length; i++) {
                    numel = Math.multiplyExact(numel, shape[i]);
                    if (shape[i] > 0) {
                        last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                    }
                }
                if (numel > 0 && last >= s.numel) {
                    throw new MalformedFileException(where + ": tensor of size " + Arrays.toString(shape) + " stride "
                            + Arrays.toString(stride) + " at offset " + offset + " reaches element " + last
                            + " of storage '" + s.key + "' which has " + s.numel);
                }
            } catch (ArithmeticException e) {
                throw new MalformedFileException(where + ": tensor size " + Arrays.toString(shape) + " overflows");
            }
            return new TorchTensor("", s.dtype, shape, stride, offset, s.key, s.numel);
        }

        private static long[] longs(Object o, String where, String what) throws MalformedFileException {
            if (!(o instanceof Object[] t)) {
                throw new MalformedFileException(where + ": tensor " + what + " is not a tuple");
            }
            long[] out = new long[t.length];
            for (int i = 0; i < t.length; i++) {
                if (!(t[i] instanceof Long v) || v < 0) {
                    throw new MalformedFileException(where + ": tensor " + what + " entry " + i
                            + " is not a non-negative integer");
                }
                out[i] = v;
            }
            return out;
        }
    }

    /**
     * Collects the tensors of {@code dict} and the dicts nested in it, visiting each dict once: a pickle can make a
     * dict hold itself, or one dict under many keys at every level, which a plain walk would follow exponentially.
     */
    private static void flatten(Path path, String prefix, Map<?, ?> dict, Map<String, TorchTensor> out, int depth,
                                Set<Map<?, ?>> seen) throws MalformedFileException {
        if (depth > MAX_NESTING) {
            return;
        }
        if (!seen.add(dict)) {
            throw new MalformedFileException(path + ": dict '" + prefix.replaceAll("\\.$", "")
                    + "' is reached twice (a dict holding itself or shared); not a tensor state dict");
        }
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                continue;
            }
            if (e.getValue() instanceof TorchTensor t) {
                out.put(prefix + key, t.named(prefix + key));
            } else if (e.getValue() instanceof Map<?, ?> nested) {
                flatten(path, prefix + key + ".", nested, out, depth + 1, seen);
            }
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names (nested dicts joined with '.'), in pickle order. */
    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** All tensors by name, none read yet. */
    public Map<String, TorchTensor> tensors() {
        return tensors;
    }

    /** The description of {@code name}; IllegalArgumentException naming the file where absent. */
    public TorchTensor tensor(String name) {
        TorchTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "' (has " + tensors.keySet() + ")");
        }
        return t;
    }

    @Override
    public long[] shape(String name) {
        return tensor(name).shape();
    }

    /**
     * The values of {@code name} as a little-endian float32 buffer (BF16/F16 widened exactly), read now and only for
     * this tensor; a contiguous F32 tensor stored uncompressed is the mapped file region itself.
     */
    public ByteBuffer readF32(String name) throws IOException {
        TorchTensor t = tensor(name);
        String where = path + ": tensor '" + name + "'";
        long numel = t.numel();
        t.dtype().requireF32Readable(numel, where);
        if (numel == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (t.isContiguous()) {
            return t.dtype().toF32(readElements(t, 0, numel, where), numel, where);
        }
        return strided(t, where);
    }

    @Override
    public void readF32RowsInto(String name, long fromRow, long toRow, ByteBuffer dst) throws IOException {
        TorchTensor t = tensor(name);
        String where = path + ": tensor '" + name + "'";
        long rowElements = TensorSource.checkRows(t.shape(), fromRow, toRow, where);
        long numel = (toRow - fromRow) * rowElements;
        if (numel == 0) {
            return;
        }
        ByteBuffer raw;
        TensorDtype dtype = t.dtype();
        if (t.isContiguous()) {
            dtype.requireF32Readable(numel, where);
            if (storages.get(t.storageKey()).entry().getMethod() != ZipArchiveEntry.STORED) {
                inflateInto(t, fromRow * rowElements, numel, dst, where);
                return;
            }
            raw = readElements(t, fromRow * rowElements, numel, where);
        } else {
            raw = strided(t, where).position((int) (fromRow * rowElements * 4));
            dtype = TensorDtype.F32;
        }
        dtype.toF32Into(raw, numel, dst, where);
    }

    /**
     * Inflates {@code numel} elements of contiguous {@code t} from element {@code first} into {@code dst} a MiB at
     * a time, so a compressed entry never sits whole in the Java heap beside its converted copy.
     */
    private void inflateInto(TorchTensor t, long first, long numel, ByteBuffer dst, String where) throws IOException {
        ZipArchiveEntry e = storages.get(t.storageKey()).entry();
        int size = t.dtype().size();
        int chunk = (1 << 20) / size;
        byte[] buffer = new byte[chunk * size];
        ByteBuffer out = dst.duplicate();
        try (InputStream in = zip.getInputStream(e)) {
            in.skipNBytes((t.storageOffset() + first) * size);
            for (long done = 0; done < numel; done += chunk) {
                int n = (int) Math.min(chunk, numel - done);
                if (in.readNBytes(buffer, 0, n * size) != n * size) {
                    throw new EOFException();
                }
                t.dtype().toF32Into(ByteBuffer.wrap(buffer, 0, n * size), n, out, where);
                out.position(out.position() + n * 4);
            }
        } catch (MalformedFileException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new MalformedFileException(where + ": zip entry " + e.getName() + " cannot be inflated ("
                    + (ex instanceof EOFException ? "it ends early" : ex.getMessage()) + "); the file is truncated"
                    + " or corrupt", ex);
        }
    }

    /** {@code numel} raw elements of contiguous {@code t} from element {@code first}. */
    private ByteBuffer readElements(TorchTensor t, long first, long numel, String where) throws IOException {
        int size = t.dtype().size();
        return readRange(storages.get(t.storageKey()), (t.storageOffset() + first) * size, numel * size, where);
    }

    /** A non-contiguous tensor gathered into a new row-major float32 buffer. */
    private ByteBuffer strided(TorchTensor t, String where) throws IOException {
        long[] shape = t.shape();
        long[] stride = t.stride();
        long extent = 1;
        for (int i = 0; i < shape.length; i++) {
            extent += (shape[i] - 1) * stride[i];
        }
        t.dtype().requireF32Readable(extent, where);
        t.dtype().requireF32Readable(t.numel(), where);
        int size = t.dtype().size();
        ByteBuffer raw = readRange(storages.get(t.storageKey()), t.storageOffset() * size, extent * size, where);
        return gather(t.dtype().toF32(raw, extent, where), shape, stride, (int) t.numel());
    }

    /** Copies a strided view into a row-major buffer. */
    private static ByteBuffer gather(ByteBuffer span, long[] shape, long[] stride, int numel) {
        ByteBuffer out = ByteBuffer.allocateDirect(numel * 4).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[shape.length];
        long src = 0;
        for (int i = 0; i < numel; i++) {
            out.putFloat(i * 4, span.getFloat((int) src * 4));
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d]++;
                src += stride[d];
                if (index[d] < shape[d]) {
                    break;
                }
                src -= index[d] * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private ByteBuffer readRange(Storage s, long from, long length, String where) throws IOException {
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": " + length + " bytes are over the 2 GiB one buffer holds");
        }
        ZipArchiveEntry e = s.entry();
        if (e.getMethod() == ZipArchiveEntry.STORED) {
            return channel.map(FileChannel.MapMode.READ_ONLY, e.getDataOffset() + from, length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        try (InputStream in = zip.getInputStream(e)) {
            in.skipNBytes(from);
            byte[] b = in.readNBytes((int) length);
            if (b.length != length) {
                throw new EOFException();
            }
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new MalformedFileException(where + ": zip entry " + e.getName() + " cannot be inflated ("
                    + (ex instanceof EOFException ? "it ends early" : ex.getMessage()) + "); the file is truncated"
                    + " or corrupt", ex);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            zip.close();
        } finally {
            channel.close();
        }
    }
}
