package org.toxiscope.features.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.toxiscope.common.AtomicWrite;

/**
 * Writes a dict of named float32 tensors as {@code torch.save(dict, path)} does (zip-pickle format, pickle protocol
 * 2, storages STORED and 64-byte aligned with torch's {@code FB} padding field, zip64 end records), to a temporary
 * name renamed into place when complete.
 */
public final class TorchSaveWriter {

    /** A row-major float32 tensor; {@code values.length} equals the product of {@code shape}. */
    public record F32Tensor(long[] shape, float[] values) {

        public F32Tensor {
            long numel = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                numel *= d;
            }
            if (numel != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel
                        + " values, given " + values.length);
            }
        }
    }

    /** torch aligns every record's data to this many bytes so storages can be memory-mapped. */
    private static final int ALIGNMENT = 64;
    private static final int LOCAL_HEADER = 30;
    /** Bit 3 (sizes in a data descriptor) and bit 11 (UTF-8 names), as torch's miniz writer sets them. */
    private static final int FLAGS = 0x0808;
    /** The largest entry written without zip64 extra fields; far above any demo-sized tensor. */
    private static final long MAX_ENTRY = 0xFFFFFFFFL - 1;

    private TorchSaveWriter() {
    }

    /** Writes {@code tensors} (in map order) to {@code path}; the archive folder is the file name without extension. */
    public static void write(Path path, Map<String, F32Tensor> tensors) throws IOException {
        String file = path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String top = dot > 0 ? file.substring(0, dot) : file;
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", pickle(tensors));
        records.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        int key = 0;
        for (F32Tensor t : tensors.values()) {
            records.put("data/" + key++, littleEndian(t.values()));
        }
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        records.put(".data/serialization_id", serializationId(records).getBytes(StandardCharsets.US_ASCII));
        AtomicWrite.write(path, out -> writeZip(out, top, records));
    }

    /** The pickle torch writes for a plain dict of tensors: memoised like CPython's pickler (BINPUT/BINGET). */
    static byte[] pickle(Map<String, F32Tensor> tensors) {
        Pickler p = new Pickler();
        p.op(0x80).op(2).op('}').memoize();
        int key = 0;
        int n = tensors.size();
        for (Map.Entry<String, F32Tensor> e : tensors.entrySet()) {
            // CPython writes dict items in batches of 1000: MARK ... SETITEMS, or SETITEM for a batch of one.
            boolean first = key % 1000 == 0;
            int batchSize = Math.min(1000, n - (key - key % 1000));
            if (first && batchSize > 1) {
                p.op('(');
            }
            p.str(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str(Integer.toString(key)).str("cpu")
                    .integer(e.getValue().values().length).op('t').memoize();
            p.op('Q');
            p.integer(0).tuple(e.getValue().shape()).tuple(strides(e.getValue().shape())).op(0x89);
            p.global("collections", "OrderedDict").op(')').op('R').memoize();
            p.op('t').memoize().op('R').memoize();
            key++;
            if (key % 1000 == 0 || key == n) {
                p.op(batchSize > 1 ? 'u' : 's');
            }
        }
        return p.op('.').bytes();
    }

    private static long[] strides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return stride;
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** torch writes a decimal id unique per save; a digest of the content keeps our output reproducible. */
    private static String serializationId(Map<String, byte[]> records) {
        CRC32 a = new CRC32();
        CRC32 b = new CRC32();
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            a.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            a.update(e.getValue());
            b.update(e.getValue());
            b.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        }
        return String.format("%010d%010d", a.getValue(), b.getValue());
    }

    /**
     * Writes {@code records} as the zip container torch reads for both {@code torch.save} files and TorchScript
     * archives: every entry STORED under folder {@code top}, its data 64-byte aligned, with zip64 end records.
     */
    public static void writeZip(OutputStream out, String top, Map<String, byte[]> records) throws IOException {
        List<byte[]> central = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            byte[] name = (top + "/" + e.getKey()).getBytes(StandardCharsets.UTF_8);
            byte[] data = e.getValue();
            if (data.length > MAX_ENTRY) {
                throw new IllegalArgumentException(e.getKey() + ": " + data.length + " bytes need zip64 entries");
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            long start = offset + LOCAL_HEADER + name.length + 4;
            int padding = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
            ByteBuffer local = le(LOCAL_HEADER + name.length + 4 + padding);
            local.putInt(0x04034b50).putShort((short) 0).putShort((short) FLAGS).putShort((short) 0)
                    .putInt(0).putInt(0).putInt(0).putInt(0).putShort((short) name.length)
                    .putShort((short) (4 + padding)).put(name).put((byte) 'F').put((byte) 'B')
                    .putShort((short) padding);
            for (int i = 0; i < padding; i++) {
                local.put((byte) 'Z');
            }
            ByteBuffer descriptor = le(16).putInt(0x08074b50).putInt((int) crc.getValue()).putInt(data.length)
                    .putInt(data.length);
            ByteBuffer entry = le(46 + name.length);
            entry.putInt(0x02014b50).putShort((short) 0).putShort((short) 0).putShort((short) FLAGS)
                    .putShort((short) 0).putInt(0).putInt((int) crc.getValue()).putInt(data.length)
                    .putInt(data.length).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) offset).put(name);
            central.add(entry.array());
            out.write(local.array());
            out.write(data);
            out.write(descriptor.array());
            offset += local.capacity() + data.length + descriptor.capacity();
        }
        long cdStart = offset;
        long cdSize = 0;
        for (byte[] c : central) {
            out.write(c);
            cdSize += c.length;
        }
        int n = central.size();
        ByteBuffer end = le(56 + 20 + 22);
        end.putInt(0x06064b50).putLong(44).putShort((short) 0x031e).putShort((short) 45).putInt(0).putInt(0)
                .putLong(n).putLong(n).putLong(cdSize).putLong(cdStart);
        end.putInt(0x07064b50).putInt(0).putLong(cdStart + cdSize).putInt(1);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) n).putShort((short) n)
                .putInt((int) cdSize).putInt((int) cdStart).putShort((short) 0);
        out.write(end.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Emits pickle opcodes the way CPython's protocol-2 pickler does, memoising strings, globals and tuples. */
    private static final class Pickler {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> memo = new LinkedHashMap<>();
        private int next;

        Pickler op(int opcode) {
            out.write(opcode);
            return this;
        }

        /** Stores the object on top of the stack under the next memo index (BINPUT / LONG_BINPUT). */
        Pickler memoize() {
            int index = next++;
            if (index < 256) {
                op('q').op(index);
            } else {
                op('r').int32(index);
            }
            return this;
        }

        /** Repeats of the same interned string or global are fetched from the memo, as CPython does by identity. */
        private boolean recall(String memoKey) {
            Integer index = memo.get(memoKey);
            if (index == null) {
                memo.put(memoKey, next);
                return false;
            }
            if (index < 256) {
                op('h').op(index);
            } else {
                op('j').int32(index);
            }
            return true;
        }

        Pickler str(String s) {
            // Only the fixed strings torch reuses ('storage', 'cpu') are shared objects; names and keys are fresh.
            boolean shared = s.equals("storage") || s.equals("cpu");
            if (shared && recall("s:" + s)) {
                return this;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X').int32(b.length);
            out.writeBytes(b);
            return memoize();
        }

        Pickler global(String module, String name) {
            if (recall("g:" + module + "\n" + name)) {
                return this;
            }
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return memoize();
        }

        Pickler integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K').op((int) v);
            }
            if (v >= 0 && v < 65536) {
                return op('M').op((int) (v & 0xff)).op((int) (v >>> 8));
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return op('J').int32((int) v);
            }
            byte[] b = BigInteger.valueOf(v).toByteArray();
            op(0x8a).op(b.length);
            for (int i = b.length - 1; i >= 0; i--) {
                op(b[i] & 0xff);
            }
            return this;
        }

        Pickler tuple(long[] values) {
            if (values.length == 0) {
                return op(')');
            }
            if (values.length > 3) {
                op('(');
            }
            for (long v : values) {
                integer(v);
            }
            return op(values.length > 3 ? 't' : 0x84 + values.length).memoize();
        }

        private Pickler int32(int v) {
            for (int i = 0; i < 4; i++) {
                op((v >>> (8 * i)) & 0xff);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
