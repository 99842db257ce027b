package org.toxiscope.datasets;

import java.text.Normalizer;
import java.util.Locale;

/**
 * A 64-bit hash of a text's normalised form (NFKC, lower case, whitespace runs as one space, trimmed), so texts that
 * differ only in case, spacing or Unicode presentation count as duplicates. At 10M texts a false match has odds ~1e-5.
 */
public final class TextHash {

    private TextHash() {
    }

    public static String normalise(String text) {
        String s = Normalizer.isNormalized(text, Normalizer.Form.NFKC) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC);
        s = s.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    public static long of(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return hash(normalise(text));
            }
        }
        return asciiHash(text);
    }

    /** {@code hash(normalise(text))} for ASCII text (which NFKC leaves alone) without building the normalised copy. */
    private static long asciiHash(String text) {
        long h = 0xcbf29ce484222325L;
        boolean started = false;
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = started;
            } else {
                if (space) {
                    h = (h ^ ' ') * 0x100000001b3L;
                    space = false;
                }
                h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 0x100000001b3L;
                started = true;
            }
        }
        return mix(h);
    }

    /** FNV-1a over the UTF-16 units, finished with the SplitMix64 mixer so that nearby inputs spread over all bits. */
    static long hash(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
