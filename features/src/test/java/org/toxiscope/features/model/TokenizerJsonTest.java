package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.SharedFixtures;

class TokenizerJsonTest {

    private static final String QWEN_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @TempDir
    Path dir;

    /** A small BPE tokenizer.json whose pre-tokenizer splits on {@code regex}. */
    private Path tokenizer(String regex) throws IOException {
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", regex);
        split.add("pattern", pattern);
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonObject root = JsonParser.parseString("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[],\"normalizer\":null,\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":null,"
                + "\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,"
                + "\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}}").getAsJsonObject();
        JsonObject seq = new JsonObject();
        seq.addProperty("type", "Sequence");
        JsonArray list = new JsonArray();
        list.add(split);
        seq.add("pretokenizers", list);
        root.add("pre_tokenizer", seq);
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, root.toString());
        return f;
    }

    @Test
    void realQwenTokenizerIsAcceptedAndTheCheckIsCheap() throws IOException {
        Path real = SharedFixtures.path("qwen3-tiny/tokenizer.json");
        TokenizerJson.check(real); // warm-up: class loading and JIT
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> TokenizerJson.check(real));
        System.out.printf("tokenizer.json check (11 MB file: read, parse, probe): %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        try (QwenTokenizer t = QwenTokenizer.open(real)) {
            assertArrayEquals(new int[] {9707, 1879}, t.encode("Hello world"));
        }
    }

    @Test
    void qwensOwnSplitPatternPassesOnAHandMadeFile() throws IOException {
        try (QwenTokenizer t = QwenTokenizer.open(tokenizer(QWEN_SPLIT))) {
            assertArrayEquals(new int[] {2}, t.encode("ab"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+$", "(\\w+\\s?)*$", "(.*a){12}", "^(\\p{L}|\\p{L}\\p{L})+$"})
    void backtrackingPreTokenizerIsRefusedBeforeTheNativeLibrarySeesIt(String hostile) throws IOException {
        Path f = tokenizer(hostile);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> QwenTokenizer.open(f)));
        assertTrue(e.getMessage().startsWith(f + ": pre_tokenizer.pretokenizers[0].pattern.Regex backtracks"),
                e.getMessage());
    }

    @Test
    void patternThatDoesNotCompileIsRefused() throws IOException {
        Path f = tokenizer("(unclosed");
        IOException e = assertThrows(IOException.class, () -> QwenTokenizer.open(f));
        assertTrue(e.getMessage().startsWith(f + ": pre_tokenizer.pretokenizers[0].pattern.Regex does not compile"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "{\"model\":null}", "{\"model\":{\"type\":\"Magic\",\"vocab\":{}}}",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":[]}}", "{\"model\":{\"type\":\"BPE\",\"vocab\":{}},\"pre_tokenizer\":7}",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{}},\"added_tokens\":{}}", "{\"model\":", "\u0000\u0001binary"})
    void structurallyWrongFilesAreRefusedNamingTheFile(String content) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, content);
        IOException e = assertThrows(IOException.class, () -> QwenTokenizer.open(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, e.getMessage());
    }

    @Test
    void theLargestIdIsTheOneTheLibraryGivesForVocabularyAndAddedTokens() throws IOException {
        Path f = tokenizer(QWEN_SPLIT);
        assertEquals(2, TokenizerJson.check(f));
        // The library ignores an added token's "id": one already in the vocabulary keeps its id, new ones follow it.
        JsonObject root = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
        root.add("added_tokens", JsonParser.parseString("[" + added(90, "<x>") + "," + added(0, "ab") + ","
                + added(91, "<y>") + "," + added(92, "<x>") + "]"));
        Files.writeString(f, root.toString());
        assertEquals(4, TokenizerJson.check(f));
        try (QwenTokenizer t = QwenTokenizer.open(f)) {
            assertArrayEquals(new int[] {3, 2, 4}, t.encode("<x>ab<y>"));
        }
        Files.writeString(f, "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0],[\"b\",-1.0],[\"c\",-2.0]]}}");
        assertEquals(2, TokenizerJson.check(f), "a Unigram vocabulary's ids are its positions");
    }

    private static String added(int id, String content) {
        return "{\"id\":" + id + ",\"content\":\"" + content + "\",\"single_word\":false,\"lstrip\":false,"
                + "\"rstrip\":false,\"normalized\":false,\"special\":true}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1.5}", "{\"a\":-1}", "{\"a\":\"0\"}", "{\"a\":4294967296}"})
    void aVocabularyIdThatIsNotATokenIdIsRefused(String vocab) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\":{\"type\":\"BPE\",\"vocab\":" + vocab + ",\"merges\":[]}}");
        IOException e = assertThrows(IOException.class, () -> TokenizerJson.check(f));
        assertTrue(e.getMessage().startsWith(f + ": model.vocab[\"a\"] "), e.getMessage());
    }

    @Test
    void errorsOfTheNativeLibraryNameTheFile() throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a zz\"]},"
                + "\"pre_tokenizer\":{\"type\":\"NoSuchPreTokenizer\"}}");
        IOException e = assertThrows(IOException.class, () -> QwenTokenizer.open(f));
        assertTrue(e.getMessage().startsWith(f + ": the tokenizer library refused it: "), e.getMessage());
    }
}
