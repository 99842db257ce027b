package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.extract.TokenCodes;
import org.toxiscope.features.model.QwenTokenizer;

class FeatureExplainerTest {

    private static final String SPLIT = "\uFFFD";
    /** Characters Qwen's byte-level BPE spreads over 2 (鬱) and 3 (𠜎, 𠜱) tokens, among whole-token ones. */
    private static final String TEXT = "你好，世界！𠜎𠜱 ok 鬱鬱葱葱 😀🦄 test 𠜎𠜎𠜎 饕餮 🙂 end of it, 𠜱𠜱 again 鬱 and "
            + "more words here so that the window cuts 𠜎 somewhere 鬱𠜱 ok";

    @Test
    void topIndicesAreLargestFirstWithLowerIndexOnTies() {
        float[] s = {0.1f, 5f, -2f, 5f, 3f, 7f, 0f};
        assertArrayEquals(new int[] {5, 1, 3}, FeatureExplainer.topIndices(s, 3));
        assertArrayEquals(new int[] {5, 1, 3, 4, 0, 6, 2}, FeatureExplainer.topIndices(s, 20));
        assertArrayEquals(new int[0], FeatureExplainer.topIndices(s, 0));
    }

    @Test
    void aFiringTokenHoldingPartOfACharacterIsWidenedToTheWholeCharacter() throws Exception {
        try (QwenTokenizer t = QwenTokenizer.open(SharedFixtures.path("qwen3-tiny/tokenizer.json"))) {
            int[] ids = t.encode("你好，世界！𠜎𠜱 ok 鬱鬱");
            int first = firstSplitToken(t, ids);
            assertEquals(SPLIT, t.token(ids[first]), "the fixture splits 𠜎 over several tokens");
            for (int p = first; p < first + 3; p++) {
                FeatureExplanation.Snippet s = FeatureExplainer.snippet(t, ids, p);
                assertEquals("𠜎", s.token(), "firing on byte-token " + (p - first) + " of 𠜎");
                assertEquals("你好，世界！", s.before());
                assertEquals("𠜱 ok 鬱鬱", s.after());
                assertEquals("你好，世界！[[𠜎]]𠜱 ok 鬱鬱", s.text());
            }
            int yu = first + 7;
            assertEquals(" ok", t.token(ids[yu - 1]), "' 鬱' follows ' ok': " + Arrays.toString(ids));
            // The first 鬱 is three tokens, the first carrying the space before it; the second is two.
            for (int p = yu; p < yu + 3; p++) {
                assertEquals(" 鬱", FeatureExplainer.snippet(t, ids, p).token(), "token " + (p - yu) + " of ' 鬱'");
            }
            for (int p = yu + 3; p < yu + 5; p++) {
                FeatureExplanation.Snippet s = FeatureExplainer.snippet(t, ids, p);
                assertEquals("鬱", s.token(), "token " + (p - yu - 3) + " of the second 鬱");
                assertTrue(s.before().endsWith(" ok 鬱"), s.before());
                assertEquals("", s.after());
            }
            assertEquals(yu + 5, ids.length);
        }
    }

    @Test
    void theWindowEdgesFallBetweenCharactersAtEveryPosition() throws Exception {
        try (QwenTokenizer t = QwenTokenizer.open(SharedFixtures.path("qwen3-tiny/tokenizer.json"))) {
            int[] ids = t.encode(TEXT);
            boolean startCut = false;
            boolean endCut = false;
            for (int p = 0; p < ids.length; p++) {
                startCut |= p > FeatureExplainer.WINDOW && decode(t, ids, p - FeatureExplainer.WINDOW, ids.length)
                        .startsWith(SPLIT);
                endCut |= p + FeatureExplainer.WINDOW + 1 < ids.length
                        && decode(t, ids, 0, p + FeatureExplainer.WINDOW + 1).endsWith(SPLIT);
                FeatureExplanation.Snippet s = FeatureExplainer.snippet(t, ids, p);
                String where = "position " + p + ": " + s;
                assertFalse(s.token().isEmpty(), where);
                assertFalse((s.before() + s.token() + s.after()).contains(SPLIT), where);
                String plain = plain(s);
                assertTrue(TEXT.contains(plain), where);
                assertEquals(s.before().startsWith("..."), !TEXT.startsWith(plain), where);
                assertEquals(s.after().endsWith("..."), !TEXT.endsWith(plain), where);

                List<FeatureExplanation.TokenActivation> shaded = FeatureExplainer.shaded(t, ids, codes(ids.length),
                        7, p);
                assertEquals(plain, shaded.stream().map(FeatureExplanation.TokenActivation::text)
                        .collect(Collectors.joining()), "the shaded tokens spell the snippet's window, " + where);
                assertTrue(shaded.stream().noneMatch(a -> a.text().contains(SPLIT)), where);
            }
            assertTrue(startCut && endCut, "some window edge falls inside a character in this text");
        }
    }

    /** The snippet's window text: no marks, no ellipses. */
    private static String plain(FeatureExplanation.Snippet s) {
        String text = s.before() + s.token() + s.after();
        text = s.before().startsWith("...") ? text.substring(3) : text;
        return s.after().endsWith("...") ? text.substring(0, text.length() - 3) : text;
    }

    private static int firstSplitToken(QwenTokenizer t, int[] ids) {
        for (int p = 0; p < ids.length; p++) {
            if (t.token(ids[p]).contains(SPLIT)) {
                return p;
            }
        }
        throw new AssertionError("no token of the text holds part of a character");
    }

    private static String decode(QwenTokenizer t, int[] ids, int from, int to) {
        return t.decode(Arrays.copyOfRange(ids, from, to));
    }

    /** Codes where feature 7 fires on every token. */
    private static TokenCodes codes(int n) {
        int[][] indices = new int[n][];
        float[][] values = new float[n][];
        for (int i = 0; i < n; i++) {
            indices[i] = new int[] {7};
            values[i] = new float[] {1f + i};
        }
        return new TokenCodes(indices, values);
    }
}
