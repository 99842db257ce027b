package org.toxiscope.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * Decodes UTF-8, dropping a leading byte-order mark, and remembers the line of every malformed byte sequence
 * (replaced by U+FFFD) so that the record holding it can be rejected with its line instead of becoming mojibake.
 * Lines end as {@link java.io.BufferedReader#readLine} ends them: at {@code \n}, {@code \r\n} or a lone {@code \r}.
 * A line longer than {@link #MAX_LINE_CHARS} fails the read, so a binary or hostile file cannot exhaust the heap.
 */
public final class StrictUtf8Reader extends Reader {

    private static final char REPLACEMENT = '\uFFFD';
    static final int MAX_LINE_CHARS = 1 << 24;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
    private final ArrayDeque<Long> badLines = new ArrayDeque<>();
    private long newlinesDecoded;
    private boolean afterCr;
    private int lineLength;
    private boolean eof;
    private boolean flushed;
    private boolean pendingReplacement;
    private boolean bomChecked;

    public StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    /** Receives one line of a text file and its 1-based number. */
    @FunctionalInterface
    public interface LineConsumer {
        /** Takes line {@code number}, its line end removed. */
        void accept(long number, String line) throws IOException;
    }

    /**
     * Feeds each line of the UTF-8 text {@code file} to {@code consumer}, streaming; a line holding a malformed byte
     * sequence fails with an IOException naming the file and the line, before the consumer sees it.
     */
    public static void forEachLine(Path file, LineConsumer consumer) throws IOException {
        try (StrictUtf8Reader text = new StrictUtf8Reader(Files.newInputStream(file));
             BufferedReader lines = new BufferedReader(text, 1 << 16)) {
            String line;
            long number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (text.invalidBetween(number, number)) {
                    throw new IOException(file + ":" + number + ": not valid UTF-8 (a malformed byte sequence)");
                }
                consumer.accept(number, line);
            }
        }
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        if (!bomChecked) {
            bomChecked = true;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
                if (!chars.hasRemaining() && !fill()) {
                    return -1;
                }
            }
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        return n;
    }

    /** Decodes the next chunk; false at end of input. */
    private boolean fill() throws IOException {
        chars.clear();
        if (flushed && !pendingReplacement) {
            // a decoder cannot run again once flushed; readers may ask again after the end
            chars.flip();
            return false;
        }
        if (pendingReplacement) {
            chars.put(REPLACEMENT);
            afterCr = false;
            pendingReplacement = false;
        }
        while (true) {
            int before = chars.position();
            CoderResult result = decoder.decode(bytes, chars, eof);
            countNewlines(before, chars.position());
            if (result.isError()) {
                badLines.add(newlinesDecoded + 1);
                bytes.position(bytes.position() + result.length());
                if (chars.hasRemaining()) {
                    chars.put(REPLACEMENT);
                    afterCr = false;
                } else {
                    pendingReplacement = true;
                    break;
                }
            } else if (result.isOverflow() || chars.position() > 0 && !eof) {
                break;
            } else if (eof) {
                if (!flushed) {
                    decoder.flush(chars);
                    flushed = true;
                }
                break;
            } else {
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
        }
        chars.flip();
        return chars.hasRemaining();
    }

    private void countNewlines(int from, int to) throws IOException {
        char[] a = chars.array();
        for (int i = from; i < to; i++) {
            char c = a[i];
            // the \n of a \r\n ends the line its \r already ended, even when a chunk boundary falls between them
            boolean ends = c == '\r' || c == '\n' && !afterCr;
            afterCr = c == '\r';
            if (ends) {
                newlinesDecoded++;
                lineLength = 0;
            } else if (c == '\n') {
                lineLength = 0;
            } else if (++lineLength > MAX_LINE_CHARS) {
                throw new IOException("line " + (newlinesDecoded + 1) + " is longer than " + MAX_LINE_CHARS
                        + " characters; is this a text corpus?");
            }
        }
    }

    /** True when a malformed sequence lies on a line in [first, last]; forgets those before {@code first}. */
    public boolean invalidBetween(long first, long last) {
        while (!badLines.isEmpty() && badLines.peekFirst() < first) {
            badLines.pollFirst();
        }
        return !badLines.isEmpty() && badLines.peekFirst() <= last;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
