package org.toxiscope.features.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Loads TorchScript modules whose code this process writes itself (no file, no Python): one parameterless class
 * {@code __torch__.<name>} in TorchScript's serialized form, for the few torch operations DJL's JNI cannot express.
 */
public final class ScriptModules {

    private ScriptModules() {
    }

    /**
     * The module of class {@code name} whose serialized code (as {@code torch.jit.save} writes it) is {@code code};
     * it owns no arrays, so it lives, like the engine, until the JVM exits.
     */
    public static PtSymbolBlock load(String name, String code) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", modulePickle(name));
        records.put("code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        records.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try {
            TorchSaveWriter.writeZip(archive, name.toLowerCase(Locale.ROOT), records);
            PtNDManager owner = (PtNDManager) NDManager.newBaseManager(Device.cpu());
            return JniUtils.loadModule(owner, new ByteArrayInputStream(archive.toByteArray()), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the TorchScript module " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code __torch__.<name>} with state {@code {'training': False}}, as pickle protocol 2. */
    private static byte[] modulePickle(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes(("__torch__\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        out.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) 0x89, 'u', 'b', '.'});
        return out.toByteArray();
    }
}
