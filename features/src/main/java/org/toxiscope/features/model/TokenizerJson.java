package org.toxiscope.features.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.toxiscope.common.SmallFile;

/**
 * Vets a {@code tokenizer.json} before the Rust tokenizers library sees it: a structurally wrong file is refused with
 * the JSON path at fault, and every regex it holds must compile and run over a probe text within a step budget; the
 * largest token id the library will produce (model vocabulary and added tokens) is returned for the caller to hold
 * against the model's embedding.
 *
 * <p>Why: the library matches with Oniguruma, whose backtracking limit makes a catastrophic pattern panic inside
 * native code, which aborts the JVM. Java's engine backtracks the same way, so running each pattern here over runs of
 * every character class (the inputs that trip nested quantifiers) counts the work it would do. The budget is counted
 * in characters read, not seconds, so the verdict does not depend on the machine's load.
 */
final class TokenizerJson {

    /** Repeats of one character per run in the probe: enough for an exponential pattern to show, cheap for a sane one. */
    static final int PROBE_RUN = 64;

    /** Characters a pattern may read per probe character; Qwen's pre-tokenizer reads about 3. */
    static final long STEPS_PER_PROBE_CHAR = 200;

    private static final Set<String> MODEL_TYPES = Set.of("BPE", "WordPiece", "WordLevel", "Unigram");
    private static final String PROBE = probe();

    private TokenizerJson() {
    }

    /**
     * Reads and checks {@code file}, returning its largest token id (-1 for none); throws naming the file and the JSON
     * path at fault.
     */
    static long check(Path file) throws IOException {
        String text = SmallFile.readString(file, SmallFile.MAX_TOKENIZER_BYTES);
        JsonObject top = new JsonObject();
        boolean sawModel = false;
        Vocab vocab = new Vocab(-1, 0, Set.of());
        // Streamed so that the model's vocabulary and merges (most of the file) are never built as a tree.
        try (JsonReader json = new JsonReader(new StringReader(text))) {
            json.setStrictness(Strictness.STRICT);
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException(file + ": expected a JSON object at the top");
            }
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("model")) {
                    sawModel = true;
                    vocab = checkModel(file, json);
                } else {
                    top.add(name, JsonParser.parseReader(json));
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException(file + ": text after the JSON object");
            }
        } catch (JsonParseException | IllegalStateException | MalformedJsonException | EOFException e) {
            String message = String.valueOf(e.getMessage());
            int eol = message.indexOf('\n'); // Gson appends a troubleshooting link on a second line
            throw new IOException(file + ": not valid JSON: " + (eol < 0 ? message : message.substring(0, eol)));
        }
        if (!sawModel) {
            throw new IOException(file + ": model must be an object");
        }
        for (String part : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder")) {
            JsonElement e = top.get(part);
            if (e != null && !e.isJsonNull() && !(e.isJsonObject() && isString(e.getAsJsonObject().get("type")))) {
                throw new IOException(file + ": " + part + " must be null or an object with a string \"type\"");
            }
        }
        JsonElement added = top.get("added_tokens");
        if (added != null && !added.isJsonNull() && !added.isJsonArray()) {
            throw new IOException(file + ": added_tokens must be an array");
        }
        long largest = vocab.largestId();
        if (added != null && added.isJsonArray()) {
            // As the library loads them: an added token already in the vocabulary keeps that id, each other one (by
            // content) takes the next id from the vocabulary's size on, whatever "id" the file states.
            Set<String> fresh = new HashSet<>();
            for (JsonElement token : added.getAsJsonArray()) {
                JsonElement content = token.isJsonObject() ? token.getAsJsonObject().get("content") : null;
                if (isString(content) && !vocab.tokens().contains(content.getAsString())) {
                    fresh.add(content.getAsString());
                }
            }
            largest = Math.max(largest, vocab.size() - 1L + fresh.size());
        }
        List<String[]> regexes = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : top.entrySet()) {
            collectRegexes(e.getValue(), e.getKey(), regexes);
        }
        for (String[] r : regexes) {
            probe(file, r[0], r[1]);
        }
        return largest;
    }

    /** A token id given as JSON number text (null when the value is not a number): a non-negative int. */
    private static long tokenId(Path file, String path, String number) throws IOException {
        if (number == null) {
            throw new IOException(file + ": " + path + " must be a token id (a non-negative integer)");
        }
        // JSON number text: plain digits of an int, no sign, fraction or exponent
        long id = number.length() <= 10 && number.chars().allMatch(c -> c >= '0' && c <= '9')
                ? Long.parseLong(number) : -1;
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new IOException(file + ": " + path + " is " + number + ", expected a token id in 0.."
                    + Integer.MAX_VALUE);
        }
        return id;
    }

    /** A model vocabulary: its largest id, its number of entries, and its tokens. */
    private record Vocab(long largestId, int size, Set<String> tokens) {
    }

    /**
     * Checks the model object's kind and the JSON types of its vocabulary and merges, skipping the merges and reading
     * only the vocabulary's tokens and ids (an array vocabulary's ids are its positions).
     */
    private static Vocab checkModel(Path file, JsonReader json) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new IOException(file + ": model must be an object");
        }
        String type = null;
        JsonToken vocab = null;
        JsonToken merges = null;
        Vocab read = new Vocab(-1, 0, Set.of());
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            JsonToken token = json.peek();
            if (key.equals("type")) {
                type = token == JsonToken.STRING ? json.nextString() : "(a " + token + ")";
                if (token != JsonToken.STRING) {
                    json.skipValue();
                }
                continue;
            }
            if (key.equals("vocab")) {
                vocab = token;
                read = vocab(file, json);
                continue;
            } else if (key.equals("merges")) {
                merges = token;
            }
            json.skipValue();
        }
        json.endObject();
        // Files from before "type" was written are BPE; the library infers it the same way.
        String name = type == null ? "BPE" : type;
        if (!MODEL_TYPES.contains(name)) {
            throw new IOException(file + ": model.type must be one of " + MODEL_TYPES + ", found " + name);
        }
        JsonToken want = name.equals("Unigram") ? JsonToken.BEGIN_ARRAY : JsonToken.BEGIN_OBJECT;
        if (vocab != want) {
            throw new IOException(file + ": model.vocab must be " + (name.equals("Unigram") ? "an array" : "an object")
                    + " for a " + name + " model");
        }
        if (name.equals("BPE") && merges != null && merges != JsonToken.BEGIN_ARRAY) {
            throw new IOException(file + ": model.merges must be an array");
        }
        return read;
    }

    /** A {@code {token: id}} vocabulary, or an array one of {@code [token, score]} pairs; empty for anything else. */
    private static Vocab vocab(Path file, JsonReader json) throws IOException {
        long largest = -1;
        Set<String> tokens = new HashSet<>();
        int size = 0;
        if (json.peek() == JsonToken.BEGIN_OBJECT) {
            json.beginObject();
            while (json.hasNext()) {
                String token = json.nextName();
                String number = null;
                if (json.peek() == JsonToken.NUMBER) {
                    number = json.nextString(); // the number's own text: no rounding through a double
                } else {
                    json.skipValue();
                }
                largest = Math.max(largest, tokenId(file, "model.vocab[\"" + token + "\"]", number));
                tokens.add(token);
                size++;
            }
            json.endObject();
        } else if (json.peek() == JsonToken.BEGIN_ARRAY) {
            json.beginArray();
            while (json.hasNext()) {
                if (json.peek() == JsonToken.BEGIN_ARRAY) {
                    json.beginArray();
                    if (json.hasNext() && json.peek() == JsonToken.STRING) {
                        tokens.add(json.nextString());
                    }
                    while (json.hasNext()) {
                        json.skipValue();
                    }
                    json.endArray();
                } else {
                    json.skipValue();
                }
                largest = size++;
            }
            json.endArray();
        } else {
            json.skipValue();
        }
        return new Vocab(largest, size, tokens);
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** Every {@code "pattern": {"Regex": ...}} under {@code e} (splitters, replacers), with its JSON path. */
    private static void collectRegexes(JsonElement e, String path, List<String[]> out) {
        if (e.isJsonArray()) {
            for (int i = 0; i < e.getAsJsonArray().size(); i++) {
                collectRegexes(e.getAsJsonArray().get(i), path + "[" + i + "]", out);
            }
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> child : e.getAsJsonObject().entrySet()) {
                String childPath = path + "." + child.getKey();
                JsonElement v = child.getValue();
                if (child.getKey().equals("Regex") && path.endsWith(".pattern") && isString(v)) {
                    out.add(new String[] {childPath, v.getAsString()});
                } else {
                    collectRegexes(v, childPath, out);
                }
            }
        }
    }

    private static void probe(Path file, String path, String regex) throws IOException {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IOException(file + ": " + path + " does not compile: " + e.getDescription());
        }
        // Java remembers where a greedy loop already failed, which hides the exponential backtracking Oniguruma does;
        // it skips that memo in a pattern holding a back-reference, so one is appended where it can never run.
        Pattern pattern = Pattern.compile("(?:" + regex + ")(?:(?!)(?<toxiscopeProbe>)\\k<toxiscopeProbe>)?");
        Budgeted input = new Budgeted(PROBE, STEPS_PER_PROBE_CHAR * PROBE.length());
        try {
            Matcher m = pattern.matcher(input);
            while (m.find()) {
                // each match is a piece the tokenizer would split off; only the work done matters here
            }
        } catch (Exhausted | StackOverflowError e) {
            throw new IOException(file + ": " + path + " backtracks catastrophically (more than "
                    + STEPS_PER_PROBE_CHAR + " steps per character on a " + PROBE.length()
                    + "-character probe); refusing it, as the native tokenizer would abort the process");
        }
    }

    /** Runs of each character class followed by each other one: the shapes that trip nested quantifiers. */
    private static String probe() {
        String classes = "aZ0 \n\t.'_-é你\u00a0";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < classes.length(); i++) {
            for (int j = 0; j < classes.length(); j++) {
                if (i != j) {
                    sb.append(String.valueOf(classes.charAt(i)).repeat(PROBE_RUN)).append(classes.charAt(j));
                }
            }
        }
        return sb.toString();
    }

    /** The probe text, failing the match once it has read more characters than its budget. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private long left;

        Budgeted(String text, long budget) {
            this.text = text;
            this.left = budget;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The step budget ran out. */
    private static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false);
        }
    }
}
