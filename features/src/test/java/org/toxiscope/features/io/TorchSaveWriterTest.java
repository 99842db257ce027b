package org.toxiscope.features.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.io.TorchSaveWriter.F32Tensor;

class TorchSaveWriterTest {

    @TempDir
    Path tmp;

    private static Map<String, F32Tensor> readAll(TorchCheckpoint ckpt) throws IOException {
        Map<String, F32Tensor> out = new LinkedHashMap<>();
        for (String name : ckpt.names()) {
            out.put(name, new F32Tensor(ckpt.shape(name), TestBuffers.floats(ckpt.readF32(name))));
        }
        return out;
    }

    private static byte[] entry(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripIsBitIdenticalIncludingNanAndScalars() throws IOException {
        Map<String, F32Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W_enc", new F32Tensor(new long[] {3, 2}, new float[] {1f, -0f, Float.NaN, 1e-40f, 3.5f, -7f}));
        tensors.put("scale", new F32Tensor(new long[] {}, new float[] {0.25f}));
        tensors.put("big", new F32Tensor(new long[] {70000}, new float[70000]));
        tensors.put("empty", new F32Tensor(new long[] {0, 4}, new float[0]));
        Path p = tmp.resolve("w.pt");
        TorchSaveWriter.write(p, tensors);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(ckpt.names()));
            Map<String, F32Tensor> back = readAll(ckpt);
            for (String name : tensors.keySet()) {
                assertArrayEquals(tensors.get(name).shape(), back.get(name).shape(), name);
                float[] want = tensors.get(name).values();
                float[] got = back.get(name).values();
                assertEquals(want.length, got.length, name);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                            name + "[" + i + "]");
                }
            }
        }
        assertEquals(List.of("w.pt"), Files.list(tmp).map(x -> x.getFileName().toString()).toList());
    }

    @Test
    void fixtureRewrittenGivesTheSamePickleBytesAndStoredAlignedEntries() throws IOException {
        Path fixture = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt");
        Path p = tmp.resolve("layer1.sae.pt");
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(fixture)) {
            TorchSaveWriter.write(p, readAll(ckpt));
        }
        try (ZipFile real = ZipFile.builder().setPath(fixture).get();
                ZipFile ours = ZipFile.builder().setPath(p).get()) {
            assertArrayEquals(entry(real, "layer1.sae/data.pkl"), entry(ours, "layer1.sae/data.pkl"));
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(entry(real, "layer1.sae/data/" + i), entry(ours, "layer1.sae/data/" + i));
            }
            List<String> names = new ArrayList<>();
            for (ZipArchiveEntry e : Collections.list(ours.getEntries())) {
                names.add(e.getName());
                assertEquals(ZipArchiveEntry.STORED, e.getMethod(), e.getName());
                assertEquals(0, e.getDataOffset() % 64, e.getName() + " data is not 64-byte aligned");
            }
            assertEquals(List.of("layer1.sae/data.pkl", "layer1.sae/byteorder", "layer1.sae/data/0",
                    "layer1.sae/data/1", "layer1.sae/data/2", "layer1.sae/data/3", "layer1.sae/version",
                    "layer1.sae/.data/serialization_id"), names);
            assertEquals("little", new String(entry(ours, "layer1.sae/byteorder"), StandardCharsets.US_ASCII));
            assertEquals("3\n", new String(entry(ours, "layer1.sae/version"), StandardCharsets.US_ASCII));
        }
        // The local headers copy torch's exact bytes: flags 0x0808, zeroed sizes, an 'FB' padding field.
        byte[] a = Files.readAllBytes(fixture);
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(Arrays.copyOf(a, 64 + 365), Arrays.copyOf(b, 64 + 365));
    }

    @Test
    void manyTensorsUseLongMemoIndicesAndSetItemBatches() throws IOException {
        Map<String, F32Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 1001; i++) {
            tensors.put("t" + i, new F32Tensor(new long[] {1}, new float[] {i}));
        }
        Path p = tmp.resolve("many.pt");
        TorchSaveWriter.write(p, tensors);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            assertEquals(1001, ckpt.names().size());
            assertEquals(1000f, TestBuffers.floats(ckpt.readF32("t1000"))[0]);
        }
    }

    @Test
    void shapeMustMatchValues() {
        assertThrows(IllegalArgumentException.class, () -> new F32Tensor(new long[] {2, 2}, new float[3]));
    }

    @Test
    void pythonReadsTheSameStructureAsTheFixture() throws Exception {
        Path fixture = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt");
        Path p = tmp.resolve("layer1.sae.pt");
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(fixture)) {
            TorchSaveWriter.write(p, readAll(ckpt));
        }
        String script = "import sys,zipfile,pickletools,io\n"
                + "def dis(f):\n"
                + "  z=zipfile.ZipFile(f); assert z.testzip() is None\n"
                + "  o=io.StringIO(); pickletools.dis(z.read('layer1.sae/data.pkl'), out=o); return o.getvalue()\n"
                + "assert dis(sys.argv[1])==dis(sys.argv[2])\n";
        Process proc;
        try {
            proc = new ProcessBuilder("python3", "-c", script, fixture.toString(), p.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available: " + e.getMessage());
            return;
        }
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.exitValue(), out);
    }
}
