package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.sgd.protos.ClassificationLinearSGDProto;
import org.tribuo.protos.core.ModelProto;

class ClassifierBundleHostileTest {

    static final AtomicBoolean TOP_INITIALISED = new AtomicBoolean();
    static final AtomicBoolean NESTED_INITIALISED = new AtomicBoolean();
    static final String ENTRY = "model-toxic.tribuo";

    /** Stands in for a class such as DuckDB's native loader whose initialiser must never run from a bundle. */
    static final class TopTripwire {
        static {
            TOP_INITIALISED.set(true);
        }
    }

    /** As TopTripwire, for a class named deep inside the model. */
    static final class NestedTripwire {
        static {
            NESTED_INITIALISED.set(true);
        }
    }

    private static Map<String, byte[]> trainedLogregEntries(Path dir) throws IOException {
        Path file = dir.resolve("good.tsc");
        ClassifierTrainer.train(Tables.synthetic(600, 3, "en", "de"), TrainConfig.defaults(Method.LOGREG),
                ClassifierBundleTest.EXTRACTION, "data-sha", "0.1.0").bundle().save(file);
        return BundleEntries.read(file);
    }

    private static void assertRefused(Path file, String... expected) {
        assertNamed(assertThrows(IOException.class, () -> ClassifierBundle.load(file)), file, expected);
    }

    private static void assertNamed(IOException e, Path file, String... expected) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(ENTRY), e.getMessage());
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), e.getMessage());
        }
    }

    @Test
    void modelNamingAnUnknownClassIsRefusedWithoutInitialisingIt(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = trainedLogregEntries(dir);
        String hostile = TopTripwire.class.getName();
        entries.put(ENTRY, ModelProto.parseFrom(entries.get(ENTRY)).toBuilder().setClassName(hostile).build()
                .toByteArray());
        Path file = BundleEntries.write(dir.resolve("hostile.tsc"), entries);
        IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(file));
        assertFalse(TOP_INITIALISED.get(), "the named class was initialised");
        assertNamed(e, file, hostile);

        entries.put(ENTRY, ModelProto.parseFrom(entries.get(ENTRY)).toBuilder().setClassName("org.duckdb.DuckDBNative")
                .build().toByteArray());
        assertRefused(BundleEntries.write(dir.resolve("duckdb.tsc"), entries), "org.duckdb.DuckDBNative");
    }

    @Test
    void classNamedInsideTheModelPayloadIsRefusedWithoutInitialisingIt(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = trainedLogregEntries(dir);
        ModelProto model = ModelProto.parseFrom(entries.get(ENTRY));
        ClassificationLinearSGDProto payload = model.getSerializedData().unpack(ClassificationLinearSGDProto.class);
        String hostile = NestedTripwire.class.getName();
        ClassificationLinearSGDProto bad = payload.toBuilder()
                .setNormalizer(payload.getNormalizer().toBuilder().setClassName(hostile)).build();
        entries.put(ENTRY, model.toBuilder().setSerializedData(Any.pack(bad)).build().toByteArray());
        Path file = BundleEntries.write(dir.resolve("nested.tsc"), entries);
        IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(file));
        assertFalse(NESTED_INITIALISED.get(), "the nested class was initialised");
        assertNamed(e, file, hostile);
    }

    @Test
    void payloadOfAnUnexpectedTypeIsRefused(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = trainedLogregEntries(dir);
        entries.put(ENTRY, ModelProto.parseFrom(entries.get(ENTRY)).toBuilder()
                .setSerializedData(Any.pack(StringValue.of("x"))).build().toByteArray());
        assertRefused(BundleEntries.write(dir.resolve("any.tsc"), entries), "google.protobuf.StringValue");
    }

    @Test
    void entryLargerThanTheCapIsRefused(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = trainedLogregEntries(dir);
        // no declared size (data descriptor), so the cap is met while inflating
        Path streamed = dir.resolve("streamed.tsc");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(streamed))) {
            zip.putNextEntry(new ZipEntry(ENTRY));
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n <= ClassifierBundle.MAX_MODEL_BYTES; n += zeros.length) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertRefused(streamed, "larger than " + ClassifierBundle.MAX_MODEL_BYTES);

        // a stored entry whose local header declares 2 GiB though it holds 4 bytes: refused before any read
        Path declared = dir.resolve("declared.tsc");
        try (OutputStream out = Files.newOutputStream(declared); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(ClassifierBundle.MANIFEST));
            zip.write(entries.get(ClassifierBundle.MANIFEST));
            zip.closeEntry();
            ZipEntry stored = new ZipEntry(ENTRY);
            stored.setMethod(ZipEntry.STORED);
            byte[] tiny = {1, 2, 3, 4};
            CRC32 crc = new CRC32();
            crc.update(tiny);
            stored.setSize(tiny.length);
            stored.setCompressedSize(tiny.length);
            stored.setCrc(crc.getValue());
            zip.putNextEntry(stored);
            zip.write(tiny);
            zip.closeEntry();
        }
        byte[] zipBytes = Files.readAllBytes(declared);
        ByteBuffer buf = ByteBuffer.wrap(zipBytes).order(ByteOrder.LITTLE_ENDIAN);
        int loc = indexOfLocalHeader(zipBytes, ENTRY);
        buf.putInt(loc + 18, Integer.MAX_VALUE);
        buf.putInt(loc + 22, Integer.MAX_VALUE);
        Files.write(declared, zipBytes);
        assertRefused(declared, "declares " + Integer.MAX_VALUE);
    }

    private static int indexOfLocalHeader(byte[] zip, String name) {
        for (int i = 0; i + 30 < zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4
                    && new String(zip, i + 30, name.length(), StandardCharsets.UTF_8).equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no local header for " + name);
    }

    @Test
    void everyClassOurModelsNameIsAllowed(@TempDir Path dir) throws IOException {
        for (Method m : new Method[] {Method.LOGREG, Method.SVM}) {
            Path file = dir.resolve(m.id() + ".tsc");
            ClassifierTrainer.train(Tables.synthetic(600, 3, "en", "de"), TrainConfig.defaults(m),
                    ClassifierBundleTest.EXTRACTION, "data-sha", "0.1.0").bundle().save(file);
            assertEquals(m, ClassifierBundle.load(file).method());
        }
    }
}
