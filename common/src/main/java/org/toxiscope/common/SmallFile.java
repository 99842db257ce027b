package org.toxiscope.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads metadata files only when they are regular files under a size cap, so a FIFO or a huge file fails fast. */
public final class SmallFile {

    /** The most a JSON config ({@code config.json}, SAELens {@code cfg.json}, a shard index) may hold. */
    public static final long MAX_CONFIG_BYTES = 8L << 20;

    /** The most a {@code tokenizer.json} may hold; Qwen's real one is about 11 MB. */
    public static final long MAX_TOKENIZER_BYTES = 64L << 20;

    private SmallFile() {
    }

    /**
     * Checks that {@code file} (following links) is a regular file of at most {@code maxBytes}.
     *
     * @throws IOException naming the file and what is wrong with it, never its content
     */
    public static void check(Path file, long maxBytes) throws IOException {
        check(file, maxBytes, new LinkOption[0]);
    }

    /** {@code file}'s UTF-8 text once {@link #check} passes; a file grown past the cap since is refused too. */
    public static String readString(Path file, long maxBytes) throws IOException {
        return readString(file, maxBytes, new LinkOption[0]);
    }

    /**
     * As {@link #readString(Path, long)}, but bytes that are not UTF-8 are refused with an IOException naming the
     * file and the byte offset, where {@code readString} would replace them.
     */
    public static String readUtf8(Path file, long maxBytes) throws IOException {
        check(file, maxBytes, new LinkOption[0]);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw new IOException(file + ": larger than " + maxBytes + " bytes");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (invalid byte sequence at byte " + in.position() + ")");
        }
    }

    /** As {@link #readString(Path, long)}, but {@code file} itself must not be a symbolic link. */
    public static String readStringNoLinks(Path file, long maxBytes) throws IOException {
        return readString(file, maxBytes, LinkOption.NOFOLLOW_LINKS);
    }

    private static String readString(Path file, long maxBytes, LinkOption... options) throws IOException {
        check(file, maxBytes, options);
        try (InputStream in = Files.newInputStream(file, options)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IOException(file + ": larger than " + maxBytes + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void check(Path file, long maxBytes, LinkOption... options) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, options);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (attrs.isSymbolicLink()) {
            throw new IOException(file + ": is a symbolic link, expected a regular file");
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(file + ": is not a regular file (" + (attrs.isDirectory() ? "a folder" : "a FIFO,"
                    + " device or socket") + ")");
        }
        if (attrs.size() > maxBytes) {
            throw new IOException(file + ": " + attrs.size() + " bytes, more than the " + maxBytes + " allowed");
        }
    }
}
