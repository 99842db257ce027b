package org.toxiscope.cli;

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
}
