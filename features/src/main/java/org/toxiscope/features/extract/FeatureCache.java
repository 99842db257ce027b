package org.toxiscope.features.extract;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.common.ExclusiveLock;
import org.toxiscope.common.Digests;
import org.toxiscope.features.SparseVector;

/**
 * An append-only on-disk store of pooled features for one (model, SAE, layer, pooling, settings) key, looked up by the
 * SHA-256 of the text. Each record carries its length and CRC32, so a run killed mid-write loses at most the record
 * being written: opening truncates a torn tail, and the next run recomputes only what is missing. One process at a
 * time writes an entry: it holds an exclusive lock on {@code <key-hash>.tsfc.lock} from open to close, and a second
 * opener (another process, or another open in this JVM) is refused at once rather than interleaving its appends.
 *
 * <p>File {@code <dir>/<key-hash>.tsfc}: magic {@code TSFC1}, key JSON (int length + UTF-8), then records
 * {@code int length, payload, int crc32}; payload: 32-byte text hash, int tokens, byte truncated, int n, n x int index,
 * n x float value, n x int position (big-endian, java.io.DataOutput).
 */
public final class FeatureCache implements AutoCloseable {

    private static final byte[] MAGIC = "TSFC1".getBytes(StandardCharsets.US_ASCII);
    /** Payload bytes before the n features: text hash, tokens, truncated flag, n. */
    private static final int PAYLOAD_HEAD = 32 + 4 + 1 + 4;
    /** Payload bytes per feature: index, value, position. */
    private static final int BYTES_PER_FEATURE = 12;

    /** A cached entry: the pooled vector, the text's token count and whether it was truncated. */
    public record Entry(SparseVector pooled, int tokens, boolean truncated) {
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private final ExclusiveLock lock;
    private final OutputStream out;

    private FeatureCache(Path file, Map<String, Entry> entries, ExclusiveLock lock, FileChannel channel) {
        this.file = file;
        this.entries = entries;
        this.lock = lock;
        this.out = new BufferedOutputStream(AtomicWrite.naming(file, Channels.newOutputStream(channel)), 1 << 16);
    }

    /**
     * Opens (creating if needed) the cache for {@code key} (a canonical description, e.g. JSON) under {@code dir}.
     *
     * @throws IOException naming the file when another writer holds it, when it is not a regular file, or when a
     *     complete record in it is inconsistent (a hostile or damaged file; deleting it rebuilds the cache)
     */
    public static FeatureCache open(Path dir, String key) throws IOException {
        Files.createDirectories(dir);
        String name = Digests.sha256(key).substring(0, 24);
        Path file = dir.resolve(name + ".tsfc");
        ExclusiveLock lock = ExclusiveLock.acquire(dir.resolve(name + ".tsfc.lock"), "the feature cache " + file);
        try {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                AtomicWrite.write(file, out -> {
                    DataOutputStream header = new DataOutputStream(out);
                    header.write(MAGIC);
                    header.writeInt(keyBytes.length);
                    header.write(keyBytes);
                });
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(file + ": is not a regular file (a link, folder or FIFO); remove it to rebuild"
                        + " the cache");
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try {
                Map<String, Entry> loaded = new HashMap<>();
                long good = load(file, channel, keyBytes, loaded);
                if (channel.size() > good) {
                    channel.truncate(good);
                }
                channel.position(good);
                return new FeatureCache(file, loaded, lock, channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Reads every complete record; returns the byte length of the valid prefix. */
    private static long load(Path file, FileChannel channel, byte[] key, Map<String, Entry> into) throws IOException {
        long size = channel.size();
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        if (size < MAGIC.length + 4) {
            throw new IOException(file + ": not a toxiscope feature cache (too short)");
        }
        byte[] magic = in.readNBytes(MAGIC.length);
        int keyLength = in.readInt();
        if (!Arrays.equals(magic, MAGIC) || keyLength != key.length || size - MAGIC.length - 4 < keyLength) {
            throw new IOException(file + ": not a toxiscope feature cache for this key (delete it to rebuild)");
        }
        if (!Arrays.equals(in.readNBytes(keyLength), key)) {
            throw new IOException(file + ": cache key differs (hash collision?); delete it to rebuild");
        }
        long good = MAGIC.length + 4L + keyLength;
        // A record is allocated only once its length is known to fit the bytes left, and decoded only when its CRC
        // holds, so neither a torn tail nor a hostile length can ask for more memory than the file holds.
        while (size - good >= 8) {
            int length = in.readInt();
            if (length < PAYLOAD_HEAD || size - good - 8 < length) {
                break;
            }
            byte[] payload = in.readNBytes(length);
            int crc = in.readInt();
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break;
            }
            decode(file, good, payload, into);
            good += 8L + length;
        }
        return good;
    }

    /** Decodes one CRC-checked record; one whose counts disagree with its length was made so on purpose or by a bug. */
    private static void decode(Path file, long offset, byte[] payload, Map<String, Entry> into) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] hash = new byte[32];
        in.get(hash);
        int tokens = in.getInt();
        boolean truncated = in.get() != 0;
        int n = in.getInt();
        if (n < 0 || tokens < 0 || PAYLOAD_HEAD + (long) n * BYTES_PER_FEATURE != payload.length) {
            throw new IOException(file + ": corrupt record at byte " + offset + " (" + n + " features, " + tokens
                    + " tokens in a " + payload.length + "-byte record); delete the file to rebuild the cache");
        }
        int[] idx = new int[n];
        float[] val = new float[n];
        int[] pos = new int[n];
        in.asIntBuffer().get(idx);
        in.position(in.position() + 4 * n);
        in.asFloatBuffer().get(val);
        in.position(in.position() + 4 * n);
        in.asIntBuffer().get(pos);
        SparseVector v;
        try {
            v = new SparseVector(idx, val, pos);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": corrupt record at byte " + offset + " (" + e.getMessage() + "); delete the"
                    + " file to rebuild the cache", e);
        }
        into.put(HexFormat.of().formatHex(hash), new Entry(v, tokens, truncated));
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

    /** Flushes and closes the file, then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            lock.close();
        }
    }

    static String textHash(String text) {
        return Digests.sha256(text);
    }
}
