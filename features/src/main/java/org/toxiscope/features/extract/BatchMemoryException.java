package org.toxiscope.features.extract;

import java.util.Arrays;
import java.util.Locale;

/**
 * The engine (or the JVM) could not allocate memory for one forward batch: names the batch's texts by their positions
 * in the list the caller handed over, its size, and the flags that bound it, so a caller that knows the records can
 * name them instead of a raw allocator error.
 */
public final class BatchMemoryException extends RuntimeException {

    private final int[] texts;
    private final String detail;

    /** The batch of {@code texts} (positions in the caller's list) failed; {@code detail} says how large it was. */
    public BatchMemoryException(int[] texts, String detail, Throwable cause) {
        super(describe(texts, detail), cause);
        this.texts = texts.clone();
        this.detail = detail;
    }

    /** Out of memory on a batch of {@code texts} whose longest has {@code longest} tokens, under {@code spec}. */
    static BatchMemoryException of(int[] texts, int longest, SessionSpec spec, Throwable cause) {
        String limit = spec.maxTokens() > 0 ? String.valueOf(spec.maxTokens()) : "none";
        String detail = String.format(Locale.ROOT, "out of memory running a batch of %d text%s (longest %,d tokens, "
                + "%,d padded tokens); lower --max-tokens (now %s) or --batch-tokens (now %d)", texts.length,
                texts.length == 1 ? "" : "s", longest, (long) longest * texts.length, limit, spec.batchTokens());
        return new BatchMemoryException(texts, detail, cause);
    }

    /** Positions of the batch's texts in the list the caller handed over. */
    public int[] texts() {
        return texts.clone();
    }

    /** The failure without the positions: for a caller that names the texts itself. */
    public String detail() {
        return detail;
    }

    /** The same failure with each position {@code p} replaced by {@code positions[p]} (a caller's own numbering). */
    public BatchMemoryException renumbered(int[] positions) {
        int[] mapped = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            mapped[i] = positions[texts[i]];
        }
        return new BatchMemoryException(mapped, detail, getCause());
    }

    private static String describe(int[] texts, String detail) {
        int[] sorted = texts.clone();
        Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder("text");
        sb.append(sorted.length == 1 ? " " : "s ");
        for (int i = 0; i < Math.min(sorted.length, 5); i++) {
            sb.append(i == 0 ? "" : ", ").append('#').append(sorted[i] + 1);
        }
        if (sorted.length > 5) {
            sb.append(" and ").append(sorted.length - 5).append(" more");
        }
        return sb.append(": ").append(detail).toString();
    }
}
