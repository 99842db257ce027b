package org.toxiscope.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds whole records in a file an interrupted writer left behind: a record ends at a newline outside double quotes
 * (or at any newline when quotes cannot span lines), so a torn last record is recognised and cut off.
 */
final class PartialFile {

    private PartialFile() {
    }

    /** The number of complete records in {@code file}. */
    static long countRecords(Path file, boolean quoted) throws IOException {
        return scan(file, quoted, Long.MAX_VALUE)[0];
    }

    /** Truncates {@code file} after its first {@code records} complete records; returns the new length. */
    static long keepRecords(Path file, boolean quoted, long records) throws IOException {
        long end = records == 0 ? 0 : scan(file, quoted, records)[1];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
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
