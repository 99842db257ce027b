package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxiscope.features.CheckpointCopies;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.io.PickleBytes;
import org.toxiscope.features.io.SafetensorsWriter;
import org.toxiscope.features.io.TorchZip;

/**
 * Hostile files of the families already hardened, each run through a real command in a child JVM of heap
 * {@value #HEAP}: exit 1..127 (never a native abort), stderr exactly one line naming the file and the problem, no
 * stack trace, no file created, completion within {@link #BOUND} and peak RSS under a bound ({@link #DATA_RSS_MB} MB
 * for data commands, {@link #MODEL_RSS_MB} MB where libtorch may load). Each case prints its seconds and peak RSS.
 * Cases on the tiny Qwen3 fixture skip where {@code ../shared} is absent.
 */
class HostileInputCliTest {

    static final String HEAP = "256m";

    /** Per case; a sound run takes 1-3 s on 2 busy cores, the original bugs took minutes or never ended. */
    static final Duration BOUND = Duration.ofSeconds(30);

    /** Peak RSS of a data command: a JVM of heap 256m measured at 110-140 MB. */
    static final long DATA_RSS_MB = 300;

    /** Peak RSS of a model command: libtorch's native libraries load, measured at 70-480 MB. */
    static final long MODEL_RSS_MB = 700;

    @TempDir
    Path dir;

    /** What a case made: the command line, the file its error must name first, and a phrase of the problem. */
    record Made(List<String> args, Path named, String problem) {
    }

    @FunctionalInterface
    interface Maker {
        Made make(Path in) throws IOException;
    }

    record Case(String name, Maker maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("sae.pt self-referencing dict", in -> {
                    // d = {}; d['k0'] = d; ... d['k19'] = d: walked naively, 20^8 dicts.
                    PickleBytes p = new PickleBytes().proto().op('}').op('q').op(0).op('(');
                    for (int i = 0; i < 20; i++) {
                        p.str("k" + i).op('h').op(0);
                    }
                    Path sae = torchZip(in, p.op('u').op('.').bytes(), null, 0);
                    return features(model(), sae, in, sae, "dict 'k0' is reached twice");
                }),
                new Case("sae.pt memo flood", in -> {
                    PickleBytes p = new PickleBytes().proto().op('}');
                    for (int i = 0; i <= (1 << 20); i++) {
                        p.op(0x94);
                    }
                    Path sae = torchZip(in, p.op('.').bytes(), null, 0);
                    return saeStats(model(), sae, in, sae, "memo grows past");
                }),
                new Case("sae.pt zip entry inflating to 1 GiB for a 64-byte storage", in -> {
                    byte[] pickle = new PickleBytes().proto().op('}').op('(').str("W_enc")
                            .tensor("FloatStorage", "0", 16, 0, new long[] {16}, new long[] {1}).op('u').op('.')
                            .bytes();
                    Path sae = torchZip(in, pickle, new byte[1 << 20], 1024); // deflates to about 1 MB
                    return features(model(), sae, in, sae, "declares 1073741824 bytes but storage '0'");
                }),
                new Case("SAELens cfg.json k 1.5", in -> {
                    Path lens = Files.createDirectories(in.resolve("lens"));
                    new SafetensorsWriter()
                            .addF32("W_enc", new long[] {64, 16}, new float[64 * 16])
                            .addF32("b_enc", new long[] {16}, new float[16])
                            .addF32("W_dec", new long[] {16, 64}, new float[16 * 64])
                            .addF32("b_dec", new long[] {64}, new float[64])
                            .write(lens.resolve("sae_weights.safetensors"));
                    Path cfg = Files.writeString(lens.resolve("cfg.json"), "{\"architecture\":\"topk\",\"k\":1.5,"
                            + "\"d_in\":64,\"d_sae\":16,\"hook_name\":\"blocks.1.hook_resid_post\"}");
                    return saeStats(model(), lens, in, cfg, "field 'k' is 1.5, expected an integer");
                }),
                new Case("config.json num_hidden_layers 1e9", in -> {
                    Path m = modelCopy(in, o -> o.addProperty("num_hidden_layers", 1e9), null);
                    return features(m, sae(), in, m.resolve("config.json"), "field 'num_hidden_layers'");
                }),
                new Case("config.json rope_theta \"NaN\"", in -> {
                    Path m = modelCopy(in, o -> o.addProperty("rope_theta", "NaN"), null);
                    return new Made(List.of("generate", "--model", m.toString(), "--prompt", "Hello",
                            "--max-new-tokens", "2", "--greedy"), m.resolve("config.json"),
                            "field 'rope_theta' is \"NaN\", expected a number");
                }),
                new Case("config.json with a non-UTF-8 byte", in -> {
                    Path m = modelCopy(in, o -> { }, null);
                    Path config = m.resolve("config.json");
                    byte[] bytes = Files.readAllBytes(config);
                    bytes[bytes.length - 3] = (byte) 0xff;
                    Files.write(config, bytes);
                    return saeStats(m, sae(), in, config, "not UTF-8");
                }),
                new Case("tensors of another shape than config.json", in -> {
                    Path m = modelCopy(in, o -> o.addProperty("intermediate_size", 161), null);
                    return features(m, sae(), in, m, "has shape [160, 64] but config.json gives [161, 64]");
                }),
                new Case("NaN weight", in -> {
                    Path m = modelCopy(in, o -> { }, null);
                    Path weights = m.resolve("model.safetensors");
                    Files.delete(weights);
                    Files.copy(SharedFixtures.path("qwen3-tiny/model.safetensors"), weights);
                    weights.toFile().setWritable(true);
                    setFirstBf16(weights, "model.layers.1.mlp.down_proj.weight", (short) 0x7fc0);
                    return features(m, sae(), in, m,
                            "tensor 'model.layers.1.mlp.down_proj.weight' holds NaN or infinite values");
                }),
                new Case("tokenizer.json regex that backtracks", in -> {
                    Path m = modelCopy(in, o -> { }, t -> t.add("pre_tokenizer", JsonParser.parseString(
                            "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(a+)+$\"},\"behavior\":\"Isolated\","
                                    + "\"invert\":false}")));
                    return features(m, sae(), in, m.resolve("tokenizer.json"), "backtracks catastrophically");
                }),
                new Case("tokenizer.json ids past config.json vocab_size", in -> {
                    // 300 added tokens after Qwen's 151668: ids up to 151968 for an embedding of 151936 rows.
                    Path m = modelCopy(in, o -> { }, t -> CheckpointCopies.addSpecialTokens(t, 151669, 300));
                    return features(m, sae(), in, m.resolve("tokenizer.json"), "yields token ids up to 151968 but "
                            + m.resolve("config.json") + " gives vocab_size 151936");
                }),
                new Case("CSV with a 50 MB field spanning 5,000 lines", in -> {
                    Path csv = in.resolve("huge.csv");
                    char[] line = new char[10_000];
                    Arrays.fill(line, 'x');
                    try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                        w.write("text,toxic\nshort,0\n\"");
                        for (int i = 0; i < 5_000; i++) {
                            w.write(line);
                            w.write('\n');
                        }
                        w.write("\",1\n");
                    }
                    return new Made(List.of("data", "stats", "--input", csv.toString()), csv,
                            "(starting on line 3) is longer than 16777216 characters");
                }),
                new Case("truncated .jsonl.gz", in -> {
                    Path gz = in.resolve("corpus.jsonl.gz");
                    try (OutputStream os = Files.newOutputStream(gz);
                         Writer w = new OutputStreamWriter(new GZIPOutputStream(os), StandardCharsets.UTF_8)) {
                        for (int i = 0; i < 2_000; i++) {
                            w.write("{\"text\":\"record " + i + " with some words\",\"toxic\":" + (i % 2)
                                    + "}\n");
                        }
                    }
                    try (FileChannel ch = FileChannel.open(gz, StandardOpenOption.WRITE)) {
                        ch.truncate(ch.size() / 2);
                    }
                    return new Made(List.of("data", "stats", "--input", gz.toString()), gz, "truncated or damaged");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputFailsWithOneLineNamingTheFileWithinBounds(Case c) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Made made = c.maker().make(in);
        Map<String, String> before = files(dir);
        ChildCli.Result r = ChildCli.run(dir, HEAP, BOUND, made.args().toArray(String[]::new));
        System.out.printf("hostile case %-60s exit %3d  %5.2f s  peak RSS %4.0f MB%n", "'" + c.name() + "'",
                r.exit(), r.seconds(), r.peakRssMb());
        String all = "stdout: " + r.out() + "\nstderr: " + r.err();
        assertFalse(r.timedOut(), "still running after " + BOUND + ": " + all);
        assertTrue(r.exit() >= 1 && r.exit() <= 127, "exit " + r.exit() + ": " + all);
        assertNotEquals(OneLineErrors.OUT_OF_MEMORY, r.exit(), "ran out of heap instead of refusing: " + all);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "stderr must be one line: " + all);
        String line = lines.get(0);
        assertTrue(line.contains(made.named().toString()), "the error must name " + made.named() + ": " + line);
        assertTrue(line.contains(made.problem()), "expected '" + made.problem() + "': " + line);
        assertFalse(line.contains("Exception") || line.contains("at org.") || line.contains("\tat "), line);
        assertEquals(before, files(dir), "files were created or changed");
        assertTrue(r.peakRssKb() > 0, "no RSS figure from /proc");
        long rssBound = made.args().get(0).equals("data") ? DATA_RSS_MB : MODEL_RSS_MB;
        assertTrue(r.peakRssMb() < rssBound, "peak RSS " + r.peakRssMb() + " MB, bound " + rssBound + " MB");
    }

    // ---- the commands ----

    private static Made features(Path model, Path sae, Path in, Path named, String problem) throws IOException {
        return new Made(concat(List.of("features", "--model", model.toString()), saeArgs(sae),
                List.of("--input", texts(in).toString(), "--output", in.resolve("out.jsonl").toString())), named,
                problem);
    }

    private static Made saeStats(Path model, Path sae, Path in, Path named, String problem) throws IOException {
        return new Made(concat(List.of("sae", "stats", "--model", model.toString()), saeArgs(sae),
                List.of("--input", texts(in).toString())), named, problem);
    }

    /** The SAE at layer 1; a Qwen-Scope .pt file has no L0_<k> name here, so k is given (SAELens reads its cfg). */
    private static List<String> saeArgs(Path sae) {
        return sae.toString().endsWith(".pt") ? List.of("--sae", sae.toString(), "--layer", "1", "--k", "8")
                : List.of("--sae", sae.toString(), "--layer", "1");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    /** Two texts; the second holds the last token the vocabulary case adds (past the embedding there). */
    private static Path texts(Path in) throws IOException {
        return Files.writeString(in.resolve("texts.jsonl"),
                "{\"text\":\"Hello world\"}\n{\"text\":\"a <|extra_299|> b\"}\n");
    }

    // ---- the files ----

    private static Path model() {
        return SharedFixtures.path("qwen3-tiny");
    }

    private static Path sae() {
        return SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt");
    }

    /** {@code in/hostile/layer1.sae.pt}: a torch.save zip of {@code pickle}, with storage '0' deflated if given. */
    private static Path torchZip(Path in, byte[] pickle, byte[] storage, int times) throws IOException {
        Path sae = Files.createDirectories(in.resolve("hostile")).resolve("layer1.sae.pt");
        TorchZip zip = new TorchZip("archive").entry("data.pkl", pickle);
        if (storage != null) {
            zip.entry("data/0", storage, times);
        }
        zip.write(sae, storage == null);
        return sae;
    }

    /**
     * A copy of the tiny Qwen3 fixture in {@code in/model}: config.json (and tokenizer.json where {@code tokenizer}
     * edits it) rewritten, the other files linked.
     */
    private static Path modelCopy(Path in, Consumer<JsonObject> config, Consumer<JsonObject> tokenizer)
            throws IOException {
        Path fixture = model();
        Path m = Files.createDirectories(in.resolve("model"));
        JsonObject c = JsonParser.parseString(Files.readString(fixture.resolve("config.json"))).getAsJsonObject();
        config.accept(c);
        Files.writeString(m.resolve("config.json"), c.toString());
        if (tokenizer != null) {
            JsonObject t = JsonParser.parseString(Files.readString(fixture.resolve("tokenizer.json")))
                    .getAsJsonObject();
            tokenizer.accept(t);
            Files.writeString(m.resolve("tokenizer.json"), t.toString());
        } else {
            Files.createSymbolicLink(m.resolve("tokenizer.json"), fixture.resolve("tokenizer.json"));
        }
        Files.createSymbolicLink(m.resolve("model.safetensors"), fixture.resolve("model.safetensors"));
        return m;
    }

    /** Overwrites the first element of a BF16 tensor of a safetensors file. */
    private static void setFirstBf16(Path file, String tensor, short bits) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            int headerLength = (int) len.getLong(0);
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            ch.read(header, 8);
            JsonObject entry = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject(tensor);
            assertEquals("BF16", entry.get("dtype").getAsString());
            JsonArray offsets = entry.getAsJsonArray("data_offsets");
            ByteBuffer value = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, bits);
            ch.write(value, 8 + headerLength + offsets.get(0).getAsLong());
        }
    }

    /** Every file and link under {@code root} (links not followed), with its size and modification time. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(root.relativize(p).toString(), Files.size(p) + " bytes, modified "
                            + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return out;
    }
}
