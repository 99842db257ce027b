package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that the operating system refuses (full disk, file-size limit) fails naming the output file. */
class AtomicWriteFullDiskTest {

    @TempDir
    Path dir;

    /** Writes 1 MiB to {@code args[0]} through AtomicWrite and prints the failure, as a command would. */
    public static void main(String[] args) {
        try {
            AtomicWrite.writeBytes(Path.of(args[0]), new byte[1 << 20]);
            System.out.println("written");
        } catch (IOException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }

    @Test
    void fileSizeLimitNamesTheOutputAndLeavesNothingBehind() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "skipped: needs bash for ulimit");
        Path target = dir.resolve("out.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ulimit -f caps each file this process writes at 64 KiB; with SIGXFSZ ignored the write fails with EFBIG
        // ("File too large"), as a full disk fails with ENOSPC.
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" "
                + "-XX:-UsePerfData -cp \"$1\" " + AtomicWriteFullDiskTest.class.getName() + " \"$2\"",
                java, System.getProperty("java.class.path"), target.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(1, p.waitFor(), output);
        assertEquals(target.toAbsolutePath() + ": cannot write (File too large)", output.strip());
        assertFalse(Files.exists(target));
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.findAny().isEmpty(), "the temporary file is removed");
        }
    }
}
