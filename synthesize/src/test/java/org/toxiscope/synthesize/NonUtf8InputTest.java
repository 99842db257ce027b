package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text inputs of synthesis with a malformed UTF-8 byte: one line naming the file and the line, not "Input length = 1". */
class NonUtf8InputTest {

    @TempDir
    Path dir;

    private Path write(String name, String before, String after) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(before.getBytes(StandardCharsets.UTF_8));
        b.write(0xff);
        b.write(after.getBytes(StandardCharsets.UTF_8));
        return Files.write(dir.resolve(name), b.toByteArray());
    }

    @Test
    void synthesisRecordsNameTheLine() throws IOException {
        String good = "{\"id\":\"a\",\"text\":\"t\",\"target_layer\":\"1\",\"target_feature\":\"2\",\"generator\":\"g\","
                + "\"attempt\":\"1\"}\n";
        Path f = write("out.jsonl", good + good + "{\"id\":\"b\",\"text\":\"", "\"}\n" + good);
        IOException e = assertThrows(IOException.class, () -> SynthesisRecords.read(f));
        assertEquals(f + ":3: not valid UTF-8 (a malformed byte sequence)", e.getMessage());
    }

    @Test
    void targetFilesNameTheLine() throws IOException {
        Path targets = write("targets.txt", "14:2311,0.9\n3:7", "\n");
        assertEquals(targets + ":2: not valid UTF-8 (a malformed byte sequence)",
                assertThrows(IOException.class, () -> TargetInventory.fromFile(targets, null)).getMessage());
        Path delta = write("delta.csv", "layer,feature,toxic_rate,clean_rate,delta,rank\r1,2,0.5,0.1,0.4,1\r1,3", "\r");
        assertEquals(delta + ":3: not valid UTF-8 (a malformed byte sequence)",
                assertThrows(IOException.class, () -> TargetInventory.fromDelta(delta, 5)).getMessage());
    }
}
