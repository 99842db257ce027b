package org.toxiscope.features.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.ForwardResult;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Sublayers;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.TopKSae;

/**
 * An allocation failure in a forward batch (libtorch's allocator or the JVM heap) comes out as one message naming the
 * batch's texts and the flags that bound it; other engine errors pass through unchanged. The failure is injected by
 * a model that fails its forward call the way libtorch does, since a real one needs a text of many GB.
 */
class BatchMemoryTest {

    private static final String LIBTORCH = "[enforce fail at alloc_cpu.cpp:116] data. DefaultCPUAllocator: not "
            + "enough memory: you tried to allocate 28800000000 bytes.";

    @BeforeEach
    void needsTheFixtures() {
        // Skips here rather than inside assertThrows, where the skip would read as the wrong exception.
        SharedFixtures.path("qwen3-tiny");
        SharedFixtures.path("qwen3-tiny-sae");
    }

    @Test
    void libtorchAllocationFailureNamesTheBatchAndTheFlags() throws Exception {
        BatchMemoryException e = assertThrows(BatchMemoryException.class,
                () -> extract(() -> new EngineException(LIBTORCH)));
        // Texts of 30, 10 and 20 tokens with 40 padded tokens a batch: the first batch is texts #2 and #3.
        assertArrayEquals(new int[] {1, 2}, e.texts());
        String m = e.getMessage();
        assertTrue(m.startsWith("texts #2, #3: out of memory running a batch of 2 texts (longest 20 tokens, 40 "
                + "padded tokens)"), m);
        assertTrue(m.contains("--max-tokens (now 4096)") && m.contains("--batch-tokens (now 40)"), m);
        assertTrue(!m.contains("alloc_cpu") && !m.contains("\n"), m);
        assertArrayEquals(new int[] {7, 9}, e.renumbered(new int[] {5, 7, 9}).texts());
    }

    @Test
    void javaHeapExhaustionIsReportedTheSameWay() throws Exception {
        BatchMemoryException e = assertThrows(BatchMemoryException.class,
                () -> extract(() -> new OutOfMemoryError("Java heap space")));
        assertTrue(e.getMessage().contains("out of memory running a batch of 2 texts"), e.getMessage());
    }

    @Test
    void otherEngineErrorsPassThrough() throws Exception {
        EngineException other = new EngineException("mat1 and mat2 shapes cannot be multiplied");
        assertSame(other, assertThrows(EngineException.class, () -> extract(() -> other)));
    }

    private static void extract(Supplier<Throwable> failure) throws Exception {
        SessionSpec spec = SessionSpec.of("tiny", "tiny", List.of(1)).withExtraction(Pooling.MAX, 4096, 40, 8);
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(SharedFixtures.path("qwen3-tiny").toString());
             LanguageModel real = ckpt.load(Device.cpu(), ComputeDtype.F32, 1);
             NDManager manager = NDManager.newBaseManager();
             TopKSae sae = TopKSae.load(new SaeResolver(new HfCache(Map.of()))
                     .resolve(SharedFixtures.path("qwen3-tiny-sae").toString(), 1, 8, null), manager)) {
            LanguageModel failing = new Failing(real, failure);
            int[][] ids = {new int[30], new int[10], new int[20]};
            new FeatureExtractor(failing, null, Map.of(1, sae), spec, false).extractTokens(manager, ids,
                    new boolean[3]);
        }
    }

    /** The real model, except that every forward call fails with {@code failure}. */
    private record Failing(LanguageModel real, Supplier<Throwable> failure) implements LanguageModel {

        @Override
        public ModelConfig config() {
            return real.config();
        }

        @Override
        public ComputeDtype dtype() {
            return real.dtype();
        }

        @Override
        public int loadedBlocks() {
            return real.loadedBlocks();
        }

        @Override
        public boolean hasHead() {
            return real.hasHead();
        }

        @Override
        public DecodeState newState(NDManager manager, int batch) {
            return real.newState(manager, batch);
        }

        @Override
        public ForwardResult forward(NDManager manager, int[][] tokens, DecodeState state, ForwardOptions options) {
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) t;
        }

        @Override
        public Sublayers sublayers() {
            return real.sublayers();
        }

        @Override
        public float[] unembed(float[] direction, NDManager manager) {
            return real.unembed(direction, manager);
        }

        @Override
        public void close() {
        }
    }
}
