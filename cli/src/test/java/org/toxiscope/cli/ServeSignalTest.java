package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as a process of its own: SIGTERM once it is ready stops it cleanly, with exit code 0. */
class ServeSignalTest {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsAReadyServerWithExitCodeZero() throws Exception {
        DemoBundle demo = DemoBundle.make(dir);
        // Both streams to files: a pipe read while the process exits can fail with "Stream closed".
        Path out = dir.resolve("serve.out");
        Path err = dir.resolve("serve.err");
        Process p = ChildCli.command(dir, "768m", Map.of(), "serve", "--classifier", demo.bundle().toString(),
                "--port", "0").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            p.getOutputStream().close();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.readString(out).contains("serve: ready at ")) {
                assertTrue(p.isAlive(), "serve ended before it was ready: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "serve not ready after 3 minutes: " + Files.readString(err));
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM on Linux
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve still running 60 s after SIGTERM");
            String log = Files.readString(err);
            assertEquals(0, p.exitValue(), log);
            assertTrue(log.contains("serve: stopping: finishing the requests in flight"), log);
            assertTrue(log.strip().endsWith("serve: stopped"), log);
        } finally {
            p.destroyForcibly();
        }
    }
}
