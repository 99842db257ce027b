package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.SharedFixtures;

/**
 * {@code label} resumes by record position (repeated ids, same-named inputs), refuses a plain rerun onto a partial
 * and a resume with another bundle, and never writes through a link at {@code OUT.partial}.
 */
class LabelResumeTest {

    @TempDir
    static Path dir;

    static Path logreg;
    static Path rule;
    static List<String> testLines;

    @BeforeAll
    static void trainBundles() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        SampleSplit split = SampleSplit.write(dir);
        testLines = Files.readAllLines(split.test());
        logreg = dir.resolve("logreg.tsc");
        rule = dir.resolve("rule.tsc");
        for (Path bundle : List.of(logreg, rule)) {
            String method = bundle == logreg ? "logreg" : "rule";
            CliRunner.Run t = CliRunner.run("train", "--model", model, "--sae", sae, "--k", "8", "--cache",
                    dir.resolve("cache").toString(), "--layer", "1", "--data", split.train().toString(), "--method",
                    method, "--output", bundle.toString());
            assertEquals(0, t.exit(), t.err());
        }
    }

    /** The test split's lines with {@code id} set to one of 3 values ({@code keepIds}) or removed. */
    private static List<String> lines(int from, int to, boolean keepIds) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            JsonObject o = JsonParser.parseString(testLines.get(i)).getAsJsonObject();
            o.remove("id");
            if (keepIds) {
                o.addProperty("id", "dup" + (i % 3));
            }
            out.add(o.toString());
        }
        return out;
    }

    private static CliRunner.Run label(Path bundle, List<Path> inputs, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("label", "--classifier", bundle.toString()));
        for (Path in : inputs) {
            args.addAll(List.of("--input", in.toString()));
        }
        args.addAll(List.of("--output", out.toString(), "--chunk", "16"));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static void assertResumesExactly(List<Path> inputs, String name, int records) throws Exception {
        Path whole = dir.resolve(name + "-whole.jsonl");
        Path resumed = dir.resolve(name + "-resumed.jsonl");
        CliRunner.Run w = label(logreg, inputs, whole);
        assertEquals(0, w.exit(), w.err());
        assertEquals(records, Files.readAllLines(whole).size());
        CliRunner.Run stopped = label(logreg, inputs, resumed, "--stop-after", "40");
        assertEquals(3, stopped.exit(), stopped.err());
        assertTrue(stopped.err().contains("continue with: toxiscope label") && stopped.err().contains("--resume"),
                stopped.err());
        CliRunner.Run r = label(logreg, inputs, resumed, "--resume");
        assertEquals(0, r.exit(), r.err());
        assertEquals(-1L, Files.mismatch(whole, resumed));
        assertEquals(records, Files.readAllLines(resumed).size());
    }

    @Test
    void repeatedIdsResumeToTheSameBytesAndRowCount() throws Exception {
        Path in = Files.write(dir.resolve("dups.jsonl"), lines(0, testLines.size(), true));
        assertResumesExactly(List.of(in), "dups", testLines.size());
    }

    @Test
    void twoSameNamedInputsWithoutIdsResumeExactly() throws Exception {
        int half = testLines.size() / 2;
        Path a = Files.write(Files.createDirectories(dir.resolve("a")).resolve("part.jsonl"), lines(0, half, false));
        Path b = Files.write(Files.createDirectories(dir.resolve("b")).resolve("part.jsonl"),
                lines(half, testLines.size(), false));
        assertResumesExactly(List.of(a, b), "same-name", testLines.size());
    }

    @Test
    void aPlainRerunOrAnotherBundleIsRefusedAndThePartialKept() throws Exception {
        Path in = Files.write(dir.resolve("refuse.jsonl"), lines(0, testLines.size(), true));
        Path out = dir.resolve("refused.csv");
        assertEquals(3, label(logreg, List.of(in), out, "--stop-after", "40").exit());
        Path partial = dir.resolve("refused.csv.partial");
        byte[] kept = Files.readAllBytes(partial);

        CliRunner.Run plain = label(logreg, List.of(in), out);
        assertEquals(1, plain.exit(), plain.err());
        assertTrue(plain.err().contains("--resume") && plain.err().contains("--overwrite"), plain.err());
        assertArrayEquals(kept, Files.readAllBytes(partial));

        CliRunner.Run other = label(rule, List.of(in), out, "--resume");
        assertEquals(1, other.exit(), other.err());
        assertTrue(other.err().contains("bundle sha256: "), other.err());
        assertArrayEquals(kept, Files.readAllBytes(partial), "no mixed labels");

        CliRunner.Run over = label(rule, List.of(in), out, "--overwrite");
        assertEquals(0, over.exit(), over.err());
        assertFalse(Files.exists(partial));
    }

    @Test
    void aLinkAtThePartialNameIsNeverWrittenThrough() throws Exception {
        Path in = Files.write(dir.resolve("link.jsonl"), lines(0, 20, true));
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious\n");
        Path out = dir.resolve("linked.jsonl");
        Path link = Files.createSymbolicLink(dir.resolve("linked.jsonl.partial"), victim);
        for (String flag : List.of("--resume", "--overwrite")) {
            CliRunner.Run r = label(logreg, List.of(in), out, flag);
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains(link + ": is a symbolic link"), r.err());
            assertEquals("precious\n", Files.readString(victim));
            assertFalse(Files.exists(out));
        }
    }
}
