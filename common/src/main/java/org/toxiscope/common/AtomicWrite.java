package org.toxiscope.common;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Publishes a file whole or not at all: an exclusively created temporary file beside it, renamed over it. */
public final class AtomicWrite implements AutoCloseable {

    /** Fills the temporary file. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        /** Writes to {@code t}. */
        void accept(T t) throws IOException;
    }

    private final Path target;
    private final Path temp;
    private OutputStream stream;
    private boolean committed;

    private AtomicWrite(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Creates the temporary file for {@code target} (and the target's missing parent folders). */
    public static AtomicWrite open(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        // A random name created with CREATE_NEW: a link planted at a predictable name can never redirect the write,
        // and concurrent writers to one target never share a temporary file. The leading dot keeps readers that
        // list the folder from taking it for data.
        return new AtomicWrite(abs, Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp"));
    }

    /** Writes {@code target} through {@code body}, which gets a buffered stream it need not close. */
    public static void write(Path target, IoConsumer<OutputStream> body) throws IOException {
        try (AtomicWrite w = open(target)) {
            body.accept(w.stream());
            w.commit();
        }
    }

    /** Writes {@code bytes} to {@code target}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} to {@code target} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Renames the finished file {@code from} onto {@code to} in the same folder, replacing it. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (certain network and FUSE mounts) cannot rename atomically; replacing still publishes.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Wraps {@code out} so that a failed write, flush or close names {@code file}: the operating system's "No space
     * left on device" or "File too large" (a file-size limit) carry no path of their own.
     */
    public static OutputStream naming(Path file, OutputStream out) {
        return new NamingStream(file, out);
    }

    /** Rethrows its stream's failures as one-line IOExceptions that start with the file's name. */
    private static final class NamingStream extends FilterOutputStream {
        private final Path file;

        NamingStream(Path file, OutputStream out) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new IOException(file + ": cannot write (" + reason + ")", e);
        }
    }

    /** The temporary file, for writers that need a path rather than a stream (e.g. an external library). */
    public Path temp() {
        return temp;
    }

    /** A buffered stream into the temporary file, opened on first call; {@link #commit} closes it. */
    public OutputStream stream() throws IOException {
        if (committed) {
            throw new IllegalStateException(target + " is already committed");
        }
        if (stream == null) {
            stream = new BufferedOutputStream(naming(target, Files.newOutputStream(temp, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)), 1 << 16);
        }
        return stream;
    }

    /** Closes the stream and renames the temporary file over the target; on failure the temporary file is removed. */
    public void commit() throws IOException {
        try {
            if (stream != null) {
                stream.close();
            }
            move(temp, target);
            committed = true;
        } catch (IOException | RuntimeException e) {
            discard(e);
            throw e;
        }
    }

    /** Removes the temporary file unless committed, leaving the target as it was. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                if (stream != null) {
                    stream.close();
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    private void discard(Exception cause) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
