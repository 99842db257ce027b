package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discover's delta table reads back from either file it writes; a bad file is named without echoing it whole. */
class DeltaTableReadTest {

    @TempDir
    Path dir;

    private static void assertSameRanking(DeltaTable expected, DeltaTable actual) {
        assertEquals(expected.layers(), actual.layers());
        for (int layer : expected.layers()) {
            DeltaTable.LayerDeltas e = expected.layer(layer);
            DeltaTable.LayerDeltas a = actual.layer(layer);
            assertArrayEquals(e.features(), a.features(), "layer " + layer);
            assertArrayEquals(e.toxicRate(), a.toxicRate());
            assertArrayEquals(e.cleanRate(), a.cleanRate());
            assertArrayEquals(e.delta(), a.delta());
        }
        assertEquals(expected.bestLayer(), actual.bestLayer());
    }

    @Test
    void csvAndJsonReadBackAsWritten() throws Exception {
        DeltaTable d = Discovery.run(Tables.handMade(), 0);
        Path csv = dir.resolve("delta.csv");
        Path json = dir.resolve("delta.json");
        d.writeCsv(csv);
        d.writeJson(json);
        DeltaTable fromCsv = DeltaTable.read(csv);
        DeltaTable fromJson = DeltaTable.read(json);
        assertSameRanking(d, fromCsv);
        assertSameRanking(d, fromJson);
        assertEquals(4, fromJson.layer(3).toxicCount());
        assertEquals(-1, fromCsv.layer(3).toxicCount(), "a CSV does not carry the counts");
        // The name does not decide: discover's JSON under another name is still JSON.
        Path renamed = Files.copy(json, dir.resolve("delta.txt"));
        assertSameRanking(d, DeltaTable.read(renamed));
    }

    @Test
    void rowsInAnyOrderAreRankedAgain() throws Exception {
        Path csv = Files.writeString(dir.resolve("d.csv"), "layer,feature,toxic_rate,clean_rate,delta,rank\n"
                + "1,9,0.3,0.1,0.2,2\n2,8,0.1,0.3,-0.2,1\n1,5,0.5,0.1,0.4,1\n1,3,0.3,0.1,0.2,3\n");
        DeltaTable d = DeltaTable.read(csv);
        assertArrayEquals(new int[] {5, 3, 9}, d.layer(1).features(), "ties go to the lower feature");
        assertEquals(java.util.List.of(1, 2), d.layers());
    }

    @Test
    void aBadFileIsNamedWithItsContentCut() throws Exception {
        String longLine = "{\"best_layer\":1,\"layers\":[{\"layer\":1,\"features\":[" + "{\"feature\":1},".repeat(4000)
                + "]}]}";
        Path json = Files.writeString(dir.resolve("bad.json"), longLine);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeltaTable.read(json));
        assertTrue(e.getMessage().startsWith(json + ": $.layers[0].features[0]: no finite \"toxic_rate\""),
                e.getMessage());

        Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"layers\": [" + "x".repeat(40_000));
        e = assertThrows(IllegalArgumentException.class, () -> DeltaTable.read(notJson));
        assertTrue(e.getMessage().startsWith(notJson + ": "), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());

        Path csv = Files.writeString(dir.resolve("wrong.csv"), "y".repeat(40_000) + "\n1,2\n");
        e = assertThrows(IllegalArgumentException.class, () -> DeltaTable.read(csv));
        assertTrue(e.getMessage().startsWith(csv + ":1: expected the discover header"), e.getMessage());
        assertTrue(e.getMessage().contains("... (40,000 characters)"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());

        Path fields = Files.writeString(dir.resolve("fields.csv"), "layer,feature,toxic_rate,clean_rate,delta,rank\n"
                + "1,2,0.5,abc,0.1,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> DeltaTable.read(fields));
        assertEquals(fields + ":2: clean_rate 'abc' is not a finite number", e.getMessage());
    }
}
