package org.toxiscope.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock held through a lock file (created if absent, never through a link, and left in place): a second
 * holder, in this process or another, is refused at once rather than waiting.
 */
public final class ExclusiveLock implements AutoCloseable {

    // Closing any channel on a locked file drops this process's POSIX lock on it, so a second holder in this JVM is
    // turned away before it opens the file, and nothing here opens the file by name while holding the lock. The file
    // is never deleted: a holder that deleted it would let the next one lock a fresh file at the name while a third
    // still locked the old one.
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private ExclusiveLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
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
            requireRegularOrAbsent(key, abs);
            FileChannel channel;
            try {
                channel = FileChannel.open(key, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (FileSystemException e) {
                requireRegularOrAbsent(key, abs); // a link planted since the check fails here with a clear message
                throw e;
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held through another path to the same file in this JVM
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw busy(guarded, abs);
            }
            return new ExclusiveLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
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

    /** Releases the lock; later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(file);
        }
    }
}
