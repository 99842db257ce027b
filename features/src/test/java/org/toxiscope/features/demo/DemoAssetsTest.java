package org.toxiscope.features.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.io.TorchCheckpoint;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.ForwardResult;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.model.Steering;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.SaeSpec;

class DemoAssetsTest {

    private static final List<String> CORPUS = List.of(
            "You are an absolute idiot, and everyone knows it.",
            "Thanks for the helpful answer!",
            "Du bist ein Idiot.",
            "Merci pour votre aide, c'était très utile.",
            "Ты полный идиот.",
            "谢谢你的帮助",
            "شكرا لك على المساعدة");

    @TempDir
    Path cache;

    @Test
    void createsARealCheckpointAndSaesThatThePipelineRuns() throws Exception {
        DemoAssets assets = DemoAssets.ensure(cache, CORPUS, DemoShape.DEMO);
        assertEquals(DemoShape.DEMO.k(), assets.k());
        assertEquals(List.of(0, 1, 2, 3), assets.layers());
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(assets.modelDir().toString());
                QwenTokenizer tok = ckpt.tokenizer()) {
            assertEquals("qwen3", ckpt.config().modelType());
            assertEquals(DemoShape.DEMO.hidden(), ckpt.config().hiddenSize());
            int[] ids = tok.encode("You are an IDIOT!");
            assertEquals(5, ids.length, Arrays.toString(ids));
            assertEquals("you are an idiot !", tok.decode(ids));
            int unk = tok.encode("zyzzyva")[0];
            assertEquals(1, tok.encode("zyzzyva").length);
            assertEquals("[UNK]", tok.token(unk));
            assertEquals(6, tok.encode("谢谢你的帮助").length, "each CJK character is a word");
            assertEquals(ckpt.config().vocabSize() - 3, tok.encode("<|endoftext|>")[0]);
            assertEquals(ckpt.config().eosTokenId(), tok.encode("<|endoftext|>")[0]);
            for (int id : ids) {
                assertNotEquals(unk, id);
            }
            try (LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, ckpt.config().numLayers() - 1);
                    NDManager m = NDManager.newBaseManager()) {
                ForwardResult r = model.forward(m, new int[][] {ids}, model.newState(m, 1),
                        ForwardOptions.logitsOnly(Steering.NONE));
                float[] logits = r.lastLogits().toFloatArray();
                assertEquals(ckpt.config().vocabSize(), logits.length);
                assertTrue(Float.isFinite(logits[0]) && logits[0] != logits[1]);
            }
        }
        SaeSpec spec = new SaeResolver(HfCache.fromEnvironment()).resolve(assets.saeDir().toString(), 2, null, null);
        assertEquals(DemoShape.DEMO.k(), spec.k());
        try (TorchCheckpoint sae = TorchCheckpoint.open(assets.saeDir().resolve("layer2.sae.pt"))) {
            assertArrayEquals(new long[] {DemoShape.DEMO.saeWidth(), DemoShape.DEMO.hidden()}, sae.shape("W_enc"));
            assertArrayEquals(new long[] {DemoShape.DEMO.hidden(), DemoShape.DEMO.saeWidth()}, sae.shape("W_dec"));
        }
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(assets.modelDir().toString(),
                assets.saeDir().toString(), assets.layers()))) {
            TextFeatures[] features = session.extract(List.of(CORPUS.get(0), CORPUS.get(2), CORPUS.get(4)), false);
            for (TextFeatures f : features) {
                for (int layer : assets.layers()) {
                    SparseVector v = f.pooled().get(layer);
                    assertTrue(v.indices().length >= DemoShape.DEMO.k(),
                            "layer " + layer + " fires at least k features");
                }
            }
            // Word identity survives: the word "idiot" is a feature of its own at layer 0 in the English text.
            int idiot = session.tokenizer().encode("idiot")[0];
            assertTrue(Arrays.stream(features[0].pooled().get(0).indices()).anyMatch(i -> i == idiot));
        }
    }

    @Test
    void secondEnsureReusesTheFolderAndStaleTemporaryFoldersAreRemoved() throws Exception {
        DemoAssets first = DemoAssets.ensure(cache, CORPUS, DemoShape.DEMO);
        Path weights = first.modelDir().resolve("model.safetensors");
        FileTime made = Files.getLastModifiedTime(weights);
        FileTime sae = Files.getLastModifiedTime(first.saeDir().resolve("layer0.sae.pt"));
        // A killed creation leaves a temporary folder: an old one is removed, the finished folder is untouched.
        String leftover = "." + first.root().getFileName() + ".tmp-999-1";
        Path crashed = cache.resolve(leftover);
        Files.createDirectories(crashed.resolve("model"));
        Files.writeString(crashed.resolve("model/config.json"), "{\"half\":");
        Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Path young = cache.resolve("." + first.root().getFileName() + ".tmp-998-1");
        Files.createDirectories(young);
        DemoAssets second = DemoAssets.ensure(cache, CORPUS, DemoShape.DEMO);
        assertEquals(first.root(), second.root());
        assertEquals(made, Files.getLastModifiedTime(weights));
        assertEquals(sae, Files.getLastModifiedTime(second.saeDir().resolve("layer0.sae.pt")));
        assertFalse(Files.exists(crashed));
        assertTrue(Files.exists(young), "a recent temporary folder may be another run still writing");
        DemoAssets other = DemoAssets.ensure(cache, List.of("another corpus entirely"), DemoShape.DEMO);
        assertNotEquals(first.root(), other.root());
    }
}
