package org.toxiscope.common;

import java.util.Locale;

/** File content quoted in a one-line message, cut to {@link #MAX} characters: a bad file's line may be huge. */
public final class Snippet {

    /** The most characters of quoted content a message shows. */
    public static final int MAX = 80;

    private Snippet() {
    }

    /** {@code text} whole when it is at most {@link #MAX} characters, else its start and "... (N characters)". */
    public static String of(String text) {
        if (text == null || text.length() <= MAX) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX - 1)) ? MAX - 1 : MAX; // never split a character
        return text.substring(0, end) + "... (" + String.format(Locale.ROOT, "%,d", text.length()) + " characters)";
    }
}
