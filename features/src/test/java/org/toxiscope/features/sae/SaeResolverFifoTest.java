package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;

class SaeResolverFifoTest {

    @TempDir
    Path tmp;

    private static Path fifo(Path path) throws Exception {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            assumeTrue(p.waitFor() == 0, "mkfifo failed");
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is unavailable");
        }
        return path;
    }

    @Test
    void aFifoGivenAsTheSaeFailsFastNamingIt() throws Exception {
        Path pipe = fifo(tmp.resolve("layer3.sae.pt"));
        SaeResolver resolver = new SaeResolver(new HfCache(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString())));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IOException.class, () -> resolver.resolve(pipe.toString(), 3, 50, null)));
        assertTrue(e.getMessage().contains(pipe.toString()), e.getMessage());
    }

    @Test
    void aFifoAsSaeLensCfgFailsFastNamingIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("saelens"));
        Files.write(dir.resolve(SaeResolver.SAELENS_WEIGHTS), new byte[8]);
        Path cfg = dir.resolve(SaeResolver.SAELENS_CONFIG);
        Files.createSymbolicLink(cfg, fifo(tmp.resolve("cfg.pipe")));
        SaeResolver resolver = new SaeResolver(new HfCache(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString())));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IOException.class, () -> resolver.resolve(dir.toString(), null, null, null)));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
}
