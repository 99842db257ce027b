package org.toxiscope.features.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes torch.save-style zip archives for tests: {@code <top>/data.pkl}, {@code <top>/data/<key>}, extras. */
public final class TorchZip {

    private final String top;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final Map<String, Integer> repeats = new LinkedHashMap<>();

    public TorchZip(String top) {
        this.top = top;
    }

    public TorchZip entry(String relative, byte[] bytes) {
        return entry(relative, bytes, 1);
    }

    /** An entry holding {@code bytes} {@code times} over: large ones (zip bombs) without holding them whole. */
    public TorchZip entry(String relative, byte[] bytes, int times) {
        entries.put(top + "/" + relative, bytes);
        repeats.put(top + "/" + relative, times);
        return this;
    }

    /** Writes entries STORED (as torch does) or DEFLATED. */
    public void write(Path path, boolean stored) throws IOException {
        try (OutputStream os = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                int times = repeats.get(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    for (int i = 0; i < times; i++) {
                        crc.update(e.getValue());
                    }
                    z.setMethod(ZipEntry.STORED);
                    z.setSize((long) e.getValue().length * times);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                for (int i = 0; i < times; i++) {
                    zip.write(e.getValue());
                }
                zip.closeEntry();
            }
        }
    }
}
