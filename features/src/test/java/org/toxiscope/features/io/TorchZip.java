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
final class TorchZip {

    private final String top;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    TorchZip(String top) {
        this.top = top;
    }

    TorchZip entry(String relative, byte[] bytes) {
        entries.put(top + "/" + relative, bytes);
        return this;
    }

    /** Writes entries STORED (as torch does) or DEFLATED. */
    void write(Path path, boolean stored) throws IOException {
        try (OutputStream os = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }
}
