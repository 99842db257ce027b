package org.toxiscope.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** A stream compression, recognised by file extension or magic bytes; output is deterministic (no timestamps). */
public enum Compression {
    NONE(""), GZIP(".gz"), BZIP2(".bz2"), XZ(".xz"), ZSTD(".zst");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The compression called {@code name} (none, gz/gzip, bz2/bzip2, xz, zst/zstd, any case). */
    public static Compression named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none", "" -> NONE;
            case "gz", "gzip" -> GZIP;
            case "bz2", "bzip2" -> BZIP2;
            case "xz" -> XZ;
            case "zst", "zstd" -> ZSTD;
            default -> throw new IllegalArgumentException("compression must be none, gz, bz2, xz or zst, got '" + name + "'");
        };
    }

    /** The compression a file name's last extension announces, NONE when it announces none. */
    public static Compression ofName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Compression c : values()) {
            if (c != NONE && lower.endsWith(c.extension)) {
                return c;
            }
        }
        return lower.endsWith(".zstd") ? ZSTD : NONE;
    }

    /** The compression whose magic number starts {@code head}, NONE when none does. */
    public static Compression ofMagic(byte[] head, int length) {
        if (startsWith(head, length, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (startsWith(head, length, 'B', 'Z', 'h')) {
            return BZIP2;
        }
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return XZ;
        }
        if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Wraps {@code in} to decompress; gzip reads every concatenated member, as gzip(1) does. */
    public InputStream decompress(InputStream in) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 1 << 16);
        return switch (this) {
            case NONE -> buffered;
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(buffered).setDecompressConcatenated(true).get();
            case BZIP2 -> new BZip2CompressorInputStream(buffered, true);
            case XZ -> new XZCompressorInputStream(buffered, true);
            case ZSTD -> new ZstdCompressorInputStream(buffered);
        };
    }

    /** Wraps {@code out} to compress with fixed settings, so equal input gives equal bytes. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> {
                GzipParameters parameters = new GzipParameters();
                parameters.setModificationTime(0);
                yield new GzipCompressorOutputStream(out, parameters);
            }
            case BZIP2 -> new BZip2CompressorOutputStream(out);
            case XZ -> new XZCompressorOutputStream(out);
            case ZSTD -> new ZstdCompressorOutputStream(out, 3);
        };
    }
}
