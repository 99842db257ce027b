package org.toxiscope.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A file written under a temporary name in its own folder and renamed into place only when complete. */
final class AtomicFile {

    private final Path target;
    private final Path temp;

    AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".tmp");
    }

    Path temp() {
        return temp;
    }

    OutputStream open() throws IOException {
        return Files.newOutputStream(temp);
    }

    /** Renames the temporary file onto the target, replacing it. */
    void commit() throws IOException {
        move(temp, target);
    }

    /** Renames {@code from} onto {@code to} (same folder) atomically where the file system can, replacing it. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the temporary file after a failure. */
    void discard() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the failure that led here is the one worth reporting
        }
    }
}
