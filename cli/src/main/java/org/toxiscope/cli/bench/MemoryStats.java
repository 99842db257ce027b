package org.toxiscope.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory figures for benchmarks, read from /proc (Linux); -1 where unavailable. */
final class MemoryStats {

    private MemoryStats() {
    }

    /** Peak resident set size of this process in MiB (VmHWM). */
    static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Lowers the peak RSS to the current RSS (Linux: 5 into /proc/self/clear_refs), so {@link #peakRssMiB} then
     * covers only what runs after; false where that is not possible.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
