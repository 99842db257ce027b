package org.toxiscope.features.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model's {@code tokenizer.json} through DJL's Hugging Face tokenizers, with no special tokens added (Qwen adds
 * no BOS), no padding and no truncation: DJL's default silently cuts at 512 tokens, length limits are the caller's.
 * The file is vetted first ({@link TokenizerJson}) and every failure of the native library names it.
 */
public final class QwenTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final long largestId;

    private QwenTokenizer(HuggingFaceTokenizer tokenizer, Path file, long largestId) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.largestId = largestId;
    }

    /** Opens {@code tokenizer.json} (a file, or a folder holding one). */
    public static QwenTokenizer open(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": tokenizer.json not found");
        }
        long largestId = TokenizerJson.check(file);
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
            return new QwenTokenizer(t, file, largestId);
        } catch (RuntimeException e) {
            throw new IOException(file + ": the tokenizer library refused it: " + e.getMessage(), e);
        }
    }

    /** The tokenizer.json file this tokenizer was read from. */
    public Path file() {
        return file;
    }

    /** The largest id the tokenizer can produce: of its model vocabulary and added tokens (-1 when it has none). */
    public long largestId() {
        return largestId;
    }

    public int[] encode(String text) {
        try {
            return toInts(tokenizer.encode(text, false, false).getIds());
        } catch (RuntimeException e) {
            throw failed("encode", e);
        }
    }

    /** Encodes many texts in one native call (parallel inside the tokenizer library). */
    public int[][] encodeAll(List<String> texts) {
        Encoding[] encodings;
        try {
            encodings = tokenizer.batchEncode(texts, false, false);
        } catch (RuntimeException e) {
            throw failed("encode", e);
        }
        int[][] ids = new int[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = toInts(encodings[i].getIds());
        }
        return ids;
    }

    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        try {
            return tokenizer.decode(longs, false);
        } catch (RuntimeException e) {
            throw failed("decode", e);
        }
    }

    private IllegalStateException failed(String what, RuntimeException e) {
        return new IllegalStateException(file + ": cannot " + what + " with this tokenizer: " + e.getMessage(), e);
    }

    /** The surface string of one token id (for explanations and logit-lens signatures). */
    public String token(int id) {
        return decode(new int[] {id});
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
