package org.toxiscope.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock held through a lock file (created if absent, never through a link): a second holder, in this
 * process or another, is refused at once rather than waiting; closing removes the file and releases the lock.
 */
public final class ExclusiveLock implements AutoCloseable {

    // Closing any channel on a locked file drops this process's POSIX lock on it, so a second holder in this JVM is
    // turned away before it opens the file, and every channel opened on it stays open until the lock is released.
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 3;

    private final Path file;
    private final FileChannel channel;
    private final FileChannel check;
    private final FileLock lock;
    private boolean closed;

    private ExclusiveLock(Path file, FileChannel channel, FileChannel check, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.check = check;
        this.lock = lock;
    }

    /**
     * Takes the lock {@code lockFile} stands for; {@code guarded} names what it protects in the refusal
     * ({@link IllegalStateException}) when someone else holds it.
     */
    public static ExclusiveLock acquire(Path lockFile, String guarded) throws IOException {
        Path abs = lockFile.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path key = abs.getParent().toRealPath().resolve(abs.getFileName());
        if (!HELD.add(key)) {
            throw busy(guarded, abs);
        }
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                ExclusiveLock held = tryOnce(key, abs, guarded);
                if (held != null) {
                    return held;
                }
            }
            throw busy(guarded, abs);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    /** The lock, or null when the file was removed or replaced between opening and locking it (then try again). */
    private static ExclusiveLock tryOnce(Path key, Path shown, String guarded) throws IOException {
        requireRegularOrAbsent(key, shown);
        FileChannel channel;
        try {
            channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            requireRegularOrAbsent(key, shown); // a link planted since the check fails here with a clear message
            throw e;
        }
        FileChannel check = null;
        boolean keep = false;
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held through another path to the same file in this JVM
            }
            if (lock == null) {
                throw busy(guarded, shown);
            }
            // A holder removes the file before releasing it, so a lock won on a file no longer at this name guards
            // nothing. A token written through the lock and read back by name tells the two apart.
            byte[] token = ("pid " + ProcessHandle.current().pid() + " " + UUID.randomUUID() + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(token), 0);
            try {
                check = FileChannel.open(key, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (FileSystemException e) {
                return null; // gone or replaced by a link
            }
            ByteBuffer found = ByteBuffer.allocate(token.length + 1);
            while (found.hasRemaining() && check.read(found) > 0) {
                // read what is there, up to one byte more than the token
            }
            if (!Arrays.equals(Arrays.copyOf(found.array(), found.position()), token)) {
                return null;
            }
            keep = true;
            return new ExclusiveLock(key, channel, check, lock);
        } finally {
            if (!keep) {
                try (FileChannel c = channel; FileChannel k = check) {
                    // closing both drops whatever this attempt locked
                }
            }
        }
    }

    private static void requireRegularOrAbsent(Path file, Path shown) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException(shown + ": is " + (a.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                    + "; a lock file is never followed or replaced: remove it");
        }
    }

    private static IllegalStateException busy(String guarded, Path lockFile) {
        return new IllegalStateException("another run is writing " + guarded + " (it holds " + lockFile
                + "); wait for it to finish or write elsewhere");
    }

    /** Removes the lock file, then releases the lock; later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(file);
        } finally {
            try (FileChannel c = channel; FileChannel k = check) {
                lock.release();
            } finally {
                HELD.remove(file);
            }
        }
    }
}
