package org.toxiscope.features.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.Digests;
import org.toxiscope.features.CheckpointCopies;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.model.ComputeDtype;

/** The feature cache: keyed by what made the features, written by one run at a time, hostile files refused. */
class FeatureCacheTest {

    private static final String KEY = "{\"test\":\"key\"}";

    @TempDir
    Path temp;

    @Test
    void otherWeightsWithTheSameConfigOrAnotherTokenizerMissTheCache() throws Exception {
        Path fixture = SharedFixtures.path("qwen3-tiny");
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path a = CheckpointCopies.copy(fixture, temp.resolve("a"), null, 1f);
        Path other = CheckpointCopies.copy(fixture, temp.resolve("other"),
                "model.layers.0.input_layernorm.weight", 2f);
        Path tokenizer = CheckpointCopies.copy(fixture, temp.resolve("tokenizer"), null, 1f);
        Files.writeString(tokenizer.resolve("tokenizer.json"), "\n", java.nio.file.StandardOpenOption.APPEND);
        Path cache = temp.resolve("cache");
        List<String> texts = List.of("Hello world", "the cat sat on the mat", "你好世界");

        List<Map<Integer, SparseVector>> first = pooled(a, sae, cache, texts);
        List<Map<Integer, SparseVector>> second = pooled(other, sae, cache, texts);
        List<Map<Integer, SparseVector>> fresh = pooled(other, sae, null, texts);
        boolean anyDiffers = false;
        for (int i = 0; i < texts.size(); i++) {
            SparseVector want = fresh.get(i).get(1);
            assertArrayEquals(want.indices(), second.get(i).get(1).indices(), "text " + i + ": its own features");
            assertArrayEquals(want.values(), second.get(i).get(1).values(), 1e-5f, "text " + i);
            anyDiffers |= !java.util.Arrays.equals(want.values(), first.get(i).get(1).values());
        }
        assertTrue(anyDiffers, "the changed weight changes the features, so a hit would have served wrong ones");
        assertEquals(2, cacheFiles(cache), "one cache file per weights");
        pooled(tokenizer, sae, cache, texts);
        assertEquals(3, cacheFiles(cache), "another tokenizer gets its own cache file");
        pooled(a, sae, cache, texts);
        assertEquals(3, cacheFiles(cache), "the first model finds its own again");
    }

    @Test
    void eachDtypeHasItsOwnCacheFileAndAutoSharesTheOneItResolvesTo() throws Exception {
        Path model = SharedFixtures.path("qwen3-tiny");
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path cache = temp.resolve("cache");
        List<String> texts = List.of("Hello world", "the cat sat on the mat");
        List<Map<Integer, SparseVector>> f32 = pooled(model, sae, cache, texts, "f32");
        List<Map<Integer, SparseVector>> bf16 = pooled(model, sae, cache, texts, "bf16");
        assertEquals(2, cacheFiles(cache), "bf16 features never come out of the f32 file, nor the reverse");
        List<Map<Integer, SparseVector>> auto = pooled(model, sae, cache, texts, "auto");
        assertEquals(2, cacheFiles(cache), "auto is keyed by the dtype it resolved to");
        String resolved = ComputeDtype.choose("auto", ai.djl.Device.cpu()).dtype().id();
        List<Map<Integer, SparseVector>> same = resolved.equals("bf16") ? bf16 : f32;
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(same.get(i).get(1).values(), auto.get(i).get(1).values(), "text " + i);
        }
    }

    private static List<Map<Integer, SparseVector>> pooled(Path model, String sae, Path cache, List<String> texts)
            throws IOException {
        return pooled(model, sae, cache, texts, "f32");
    }

    private static List<Map<Integer, SparseVector>> pooled(Path model, String sae, Path cache, List<String> texts,
                                                          String dtype) throws IOException {
        try (FeatureSession s = FeatureSession.open(SessionSpec.of(model.toString(), sae, List.of(1))
                .withSae(8, false).withDtype(dtype))) {
            if (cache != null) {
                s.useCache(cache);
            }
            return s.pooled(texts);
        }
    }

    private static long cacheFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tsfc")).count();
        }
    }

    @Test
    void aSecondWriterIsRefusedAtOnceInThisJvmAndFromAnotherProcess() throws Exception {
        SparseVector v = new SparseVector(new int[] {3, 9}, new float[] {1f, 2f}, new int[] {0, 1});
        try (FeatureCache cache = FeatureCache.open(temp, KEY)) {
            cache.put("a text", new FeatureCache.Entry(v, 2, false));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FeatureCache.open(temp, KEY));
            assertOneLine(e, cache.file(), "another run is writing");
        }
        try (FeatureCache cache = FeatureCache.open(temp, KEY)) {
            assertEquals(1, cache.size(), "once closed, the cache opens again with its record");
        }
        Path lockFile = temp.resolve(Digests.sha256(KEY).substring(0, 24) + ".tsfc.lock");
        Path holder = Files.writeString(temp.resolve("Hold.java"), "import java.nio.channels.FileChannel;"
                + "import java.nio.file.*;public class Hold{public static void main(String[] a)throws Exception{"
                + "try(FileChannel c=FileChannel.open(Path.of(a[0]),StandardOpenOption.WRITE,StandardOpenOption.CREATE)){c.lock();"
                + "System.out.println(\"locked\");System.out.flush();System.in.read();}}}");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                holder.toString(), lockFile.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FeatureCache.open(temp, KEY));
            assertOneLine(e, temp.resolve(lockFile.getFileName().toString().replace(".lock", "")), "another run is writing");
        } finally {
            child.getOutputStream().close();
            child.waitFor();
        }
        try (FeatureCache cache = FeatureCache.open(temp, KEY)) {
            assertEquals(1, cache.size(), "the refused open changed nothing");
        }
    }

    @Test
    void aRecordWhoseCountWouldAllocateGigabytesIsRefusedAsCorrupt() throws Exception {
        Path file;
        try (FeatureCache cache = FeatureCache.open(temp, KEY)) {
            file = cache.file();
        }
        // A complete record with a valid CRC claiming 2^30 features (12 GiB of arrays) in a 41-byte payload.
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(payload);
        p.write(new byte[32]);
        p.writeInt(5);
        p.writeBoolean(false);
        p.writeInt(1 << 30);
        byte[] bytes = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(record);
        r.writeInt(bytes.length);
        r.write(bytes);
        r.writeInt((int) crc.getValue());
        Files.write(file, record.toByteArray(), java.nio.file.StandardOpenOption.APPEND);
        long size = Files.size(file);
        IOException e = assertThrows(IOException.class, () -> FeatureCache.open(temp, KEY));
        assertOneLine(e, file, "corrupt record");
        assertEquals(size, Files.size(file), "a refused file is left as it was");
    }

    private static void assertOneLine(Exception e, Path file, String expected) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(file.toString()) && m.contains(expected), m);
    }
}
