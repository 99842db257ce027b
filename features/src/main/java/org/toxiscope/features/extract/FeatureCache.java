package org.toxiscope.features.extract;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.common.Digests;
import org.toxiscope.features.SparseVector;

/**
 * An append-only on-disk store of pooled features for one (model, SAE, layer, pooling, settings) key, looked up by the
 * SHA-256 of the text. Each record carries its length and CRC32, so a run killed mid-write loses at most the record
 * being written: opening truncates a torn tail, and the next run recomputes only what is missing.
 *
 * <p>File {@code <dir>/<key-hash>.tsfc}: magic {@code TSFC1}, key JSON (int length + UTF-8), then records
 * {@code int length, payload, int crc32}; payload: 32-byte text hash, int tokens, byte truncated, int n, n x int index,
 * n x float value, n x int position (big-endian, java.io.DataOutput).
 */
public final class FeatureCache implements AutoCloseable {

    private static final byte[] MAGIC = "TSFC1".getBytes(StandardCharsets.US_ASCII);

    /** A cached entry: the pooled vector, the text's token count and whether it was truncated. */
    public record Entry(SparseVector pooled, int tokens, boolean truncated) {
    }

    private final Path file;
    private final Map<String, Entry> entries = new HashMap<>();
    private final OutputStream out;

    private FeatureCache(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Opens (creating if needed) the cache for {@code key} (a canonical description, e.g. JSON) under {@code dir}. */
    public static FeatureCache open(Path dir, String key) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(Digests.sha256(key).substring(0, 24) + ".tsfc");
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Map<String, Entry> loaded = new HashMap<>();
        if (Files.exists(file)) {
            long good = load(file, keyBytes, loaded);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (ch.size() > good) {
                    ch.truncate(good);
                }
            }
        } else {
            AtomicWrite.write(file, out -> {
                DataOutputStream header = new DataOutputStream(out);
                header.write(MAGIC);
                header.writeInt(keyBytes.length);
                header.write(keyBytes);
            });
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND), 1 << 16);
        FeatureCache cache = new FeatureCache(file, out);
        cache.entries.putAll(loaded);
        return cache;
    }

    /** Reads every complete record; returns the byte length of the valid prefix. */
    private static long load(Path file, byte[] key, Map<String, Entry> into) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] magic = new byte[MAGIC.length];
        if (all.remaining() < MAGIC.length + 4) {
            throw new IOException(file + ": not a toxiscope feature cache (too short)");
        }
        all.get(magic);
        int keyLength = all.getInt();
        if (!java.util.Arrays.equals(magic, MAGIC) || keyLength != key.length || all.remaining() < keyLength) {
            throw new IOException(file + ": not a toxiscope feature cache for this key (delete it to rebuild)");
        }
        byte[] storedKey = new byte[keyLength];
        all.get(storedKey);
        if (!java.util.Arrays.equals(storedKey, key)) {
            throw new IOException(file + ": cache key differs (hash collision?); delete it to rebuild");
        }
        long good = all.position();
        while (all.remaining() >= 8) {
            int length = all.getInt();
            if (length < 0 || all.remaining() < (long) length + 4) {
                break;
            }
            byte[] payload = new byte[length];
            all.get(payload);
            int crc = all.getInt();
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break;
            }
            decode(payload, into);
            good = all.position();
        }
        return good;
    }

    private static void decode(byte[] payload, Map<String, Entry> into) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        byte[] hash = new byte[32];
        in.readFully(hash);
        int tokens = in.readInt();
        boolean truncated = in.readBoolean();
        int n = in.readInt();
        int[] idx = new int[n];
        float[] val = new float[n];
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = in.readInt();
        }
        for (int i = 0; i < n; i++) {
            val[i] = in.readFloat();
        }
        for (int i = 0; i < n; i++) {
            pos[i] = in.readInt();
        }
        into.put(HexFormat.of().formatHex(hash), new Entry(new SparseVector(idx, val, pos), tokens, truncated));
    }

    /** The cached entry for {@code text}, or null. */
    public Entry get(String text) {
        return entries.get(textHash(text));
    }

    public int size() {
        return entries.size();
    }

    /** Appends an entry (kept in memory too); {@link #flush} makes it durable. */
    public void put(String text, Entry entry) throws IOException {
        String hash = textHash(text);
        if (entries.containsKey(hash)) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.write(HexFormat.of().parseHex(hash));
        data.writeInt(entry.tokens());
        data.writeBoolean(entry.truncated());
        SparseVector v = entry.pooled();
        data.writeInt(v.size());
        for (int i : v.indices()) {
            data.writeInt(i);
        }
        for (float f : v.values()) {
            data.writeFloat(f);
        }
        for (int i = 0; i < v.size(); i++) {
            data.writeInt(v.positions() == null ? -1 : v.positions()[i]);
        }
        byte[] payload = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        DataOutputStream record = new DataOutputStream(out);
        record.writeInt(payload.length);
        record.write(payload);
        record.writeInt((int) crc.getValue());
        entries.put(hash, entry);
    }

    public void flush() throws IOException {
        out.flush();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    static String textHash(String text) {
        return Digests.sha256(text);
    }
}
