package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SharedFixtures;

class SaeResolverTest {

    private static final String REV = "0123456789abcdef0123456789abcdef01234567";
    /** sha256sum of the fixture file, computed outside Java. */
    private static final String FIXTURE_SHA256 = "0b88e9761f337b6915fdebdce2e555217b9645a1932fb4c29c66c69ff8a125af";

    @TempDir
    Path tmp;

    private SaeResolver cachedRepo(String repoFolder) throws IOException {
        Path hub = tmp.resolve("hub");
        Path snap = Files.createDirectories(hub.resolve(repoFolder).resolve("snapshots").resolve(REV));
        Files.createDirectories(hub.resolve(repoFolder).resolve("refs"));
        Files.writeString(hub.resolve(repoFolder).resolve("refs/main"), REV);
        Files.copy(SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt"), snap.resolve("layer1.sae.pt"));
        Files.copy(SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt"), snap.resolve("layer3.sae.pt"));
        return new SaeResolver(new HfCache(Map.of("HF_HUB_CACHE", hub.toString())));
    }

    @Test
    void resolvesAHubIdWithKFromItsName() throws IOException {
        SaeResolver resolver = cachedRepo("models--Qwen--SAE-Res-Tiny-W512-L0_8");
        SaeSpec spec = resolver.resolve("Qwen/SAE-Res-Tiny-W512-L0_8", 1, null, null);
        assertEquals(SaeFormat.QWEN_SCOPE_PT, spec.format());
        assertEquals(1, spec.layer());
        assertEquals(8, spec.k());
        assertEquals(SaeActivation.TOPK, spec.activation());
        assertEquals("layer1.sae.pt", spec.weights().getFileName().toString());
        assertEquals(FIXTURE_SHA256, spec.sha256());
        assertFalse(spec.subtractDecoderBias());
        assertEquals(SaeActivation.TOPK_RELU, resolver.resolve("Qwen/SAE-Res-Tiny-W512-L0_8", 3, 50, true)
                .activation());
        assertEquals(50, resolver.resolve("Qwen/SAE-Res-Tiny-W512-L0_8", 3, 50, true).k());
        assertTrue(spec.describe().contains("layer 1, k 8"));
    }

    @Test
    void saysWhatIsMissing() throws IOException {
        SaeResolver resolver = cachedRepo("models--Qwen--SAE-NoK");
        IllegalArgumentException noLayer = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve("Qwen/SAE-NoK", null, 8, null));
        assertTrue(noLayer.getMessage().contains("[1, 3]") && noLayer.getMessage().contains("--layer"));
        FileNotFoundException wrongLayer = assertThrows(FileNotFoundException.class,
                () -> resolver.resolve("Qwen/SAE-NoK", 2, 8, null));
        assertTrue(wrongLayer.getMessage().contains("no layer2.sae.pt"), wrongLayer.getMessage());
        IllegalArgumentException noK = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve("Qwen/SAE-NoK", 1, null, null));
        assertTrue(noK.getMessage().contains("pass --k") && noK.getMessage().contains("L0_"), noK.getMessage());
        FileNotFoundException notCached = assertThrows(FileNotFoundException.class,
                () -> resolver.resolve("Qwen/SAE-Elsewhere-L0_50", 1, null, null));
        assertTrue(notCached.getMessage().contains("No network access"));
    }

    @Test
    void refusesALayerThatContradictsTheFile() throws IOException {
        SaeResolver resolver = new SaeResolver(new HfCache(Map.of()));
        String file = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve(file, 2, 8, null));
        assertTrue(e.getMessage().contains("is layer 1 but layer 2 was asked for by --layer/--layers"), e.getMessage());
        String lens = SharedFixtures.path("qwen3_5-tiny/sae/sae_lens/blocks.2.hook_resid_post").toString();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolver.resolve(lens, 5, null, null))
                .getMessage().contains("reads layer 2 but layer 5 was asked for by --layer/--layers"));
    }
}
