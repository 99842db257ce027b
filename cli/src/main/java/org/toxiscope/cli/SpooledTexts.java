package org.toxiscope.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts that come from no file, as one JSON Lines corpus file the usual readers take: texts given on the command line,
 * or standard input ({@code --input -}), which is JSON Lines when its first non-blank line opens a JSON object and
 * else one text per line (blank lines left out). It is copied whole to a temporary file, removed on close.
 */
final class SpooledTexts implements AutoCloseable {

    /** The {@code --input} name of standard input. */
    static final String STDIN = "-";

    private final Path dir;
    private final Path file;

    private SpooledTexts(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /** True when {@code inputs} names standard input. */
    static boolean readsStdin(List<String> inputs) {
        return inputs != null && inputs.contains(STDIN);
    }

    /** {@code texts} as records {@code {"<column>": text}} of {@code texts.jsonl}. */
    static SpooledTexts of(List<String> texts, String column) throws IOException {
        SpooledTexts s = create("texts.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(s.file, StandardCharsets.UTF_8)) {
            for (String t : texts) {
                w.write(record(column, t));
                w.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Standard input as {@code stdin.jsonl}: JSON Lines copied as they are, or each non-blank line as a record
     * {@code {"<column>": line}}; a line that is not valid UTF-8 is refused naming its number.
     */
    static SpooledTexts of(InputStream in, String column) throws IOException {
        SpooledTexts s = create("stdin.jsonl");
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Boolean jsonl = null;
        long line = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder));
             BufferedWriter w = Files.newBufferedWriter(s.file, StandardCharsets.UTF_8)) {
            for (String text; (text = readLine(r, line + 1)) != null; ) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                if (jsonl == null) {
                    jsonl = opensObject(text);
                }
                w.write(jsonl ? text : record(column, text));
                w.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        if (jsonl == null) {
            s.close();
            throw new IllegalArgumentException("standard input (--input -) holds no text");
        }
        return s;
    }

    private static String readLine(BufferedReader r, long number) throws IOException {
        try {
            return r.readLine();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("standard input (--input -) line " + number + " is not valid UTF-8", e);
        }
    }

    private static boolean opensObject(String line) {
        if (!line.stripLeading().startsWith("{")) {
            return false;
        }
        try {
            return JsonParser.parseString(line).isJsonObject();
        } catch (JsonSyntaxException e) {
            return false;
        }
    }

    private static String record(String column, String text) {
        JsonObject o = new JsonObject();
        o.addProperty(column, text);
        return o.toString();
    }

    private static SpooledTexts create(String name) throws IOException {
        Path dir = Files.createTempDirectory("toxiscope-texts");
        return new SpooledTexts(dir, dir.resolve(name));
    }

    /** The spooled corpus file. */
    Path file() {
        return file;
    }

    /** {@code inputs} with standard input replaced by the spooled file. */
    List<String> replaceStdin(List<String> inputs) {
        List<String> out = new ArrayList<>(inputs.size());
        for (String i : inputs) {
            out.add(i.equals(STDIN) ? file.toString() : i);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
