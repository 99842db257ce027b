package org.toxiscope.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Finds whole records in a file an interrupted writer left behind: a record ends at a newline outside double quotes
 * (or at any newline when quotes cannot span lines), so a torn last record is recognised and cut off. Files are
 * opened without following links: a link planted at a partial file's fixed name is refused, never written through.
 */
final class PartialFile {

    private PartialFile() {
    }

    /** Whether {@code file} exists; a link, folder or special file there is refused naming it. */
    static boolean existsRegular(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException(file + ": is " + (a.isSymbolicLink() ? "a symbolic link" : "not a regular "
                    + "file") + ", where only a partial output this program wrote can be; it is never followed or "
                    + "replaced: remove it");
        }
        return true;
    }

    /** The number of complete records in {@code file}. */
    static long countRecords(Path file, boolean quoted) throws IOException {
        return scan(file, quoted, Long.MAX_VALUE)[0];
    }

    /** Truncates {@code file} after its first {@code records} complete records; returns the new length. */
    static long keepRecords(Path file, boolean quoted, long records) throws IOException {
        long end = records == 0 ? 0 : scan(file, quoted, records)[1];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            channel.truncate(end);
        }
        return end;
    }

    /** {complete records seen (at most {@code limit}), byte offset just after the last of them}. */
    private static long[] scan(Path file, boolean quoted, long limit) throws IOException {
        long records = 0;
        long end = 0;
        long offset = 0;
        boolean inQuotes = false;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), 1 << 16)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (quoted && b == '"') {
                        inQuotes = !inQuotes;
                    } else if (b == '\n' && !inQuotes) {
                        records++;
                        end = offset + i + 1;
                        if (records == limit) {
                            return new long[] {records, end};
                        }
                    }
                }
                offset += n;
            }
        }
        return new long[] {records, end};
    }
}
