package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HeadlessBrowser;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.model.QwenTokenizer;

/**
 * Renders the coverage page in headless Chromium, its contexts cut by the real Qwen tokenizer from CJK and emoji
 * text firing on the first byte-token of characters split over several: no {@code [[...]]} markers, whole
 * characters in the highlights, no chart text outside its chart, the provenance as nested tables. Skips where
 * Chromium or the fixtures are absent; the page and its screenshot stay in synthesize/target/chromium/.
 */
class CoveragePageChromiumTest {

    private static final Path DIR = Path.of("target", "chromium").toAbsolutePath();

    @Test
    void theCoveragePageLaysOutInTheBrowser() throws Exception {
        List<FeatureExplanation> explanations = new ArrayList<>();
        try (QwenTokenizer t = QwenTokenizer.open(SharedFixtures.path("qwen3-tiny/tokenizer.json"))) {
            for (String text : List.of("你好，世界！𠜎𠜱 ok 鬱鬱葱葱 and a long tail of words after them to cut",
                    "😀🦄 鬱 test", "the quick brown fox jumps over the lazy dog", "饕餮盛宴 𠜱")) {
                int[] ids = t.encode(text);
                int position = 0;
                while (position < ids.length - 1 && !t.token(ids[position]).contains("\uFFFD")) {
                    position++;
                }
                Target target = CoverageTest.T.get(explanations.size());
                explanations.add(CoverageTest.explanation(target, FeatureExplainer.snippet(t, ids, position)));
            }
        }
        try (HeadlessBrowser browser = HeadlessBrowser.start(1440, 900)) {
            Path json = DIR.resolve("coverage").resolve("coverage.json");
            Files.createDirectories(json.getParent());
            CoverageTest.sampleReport(explanations).write(json);
            browser.open(DIR.resolve("coverage").resolve("coverage.html").toUri());
            Path shot = browser.screenshot(DIR.resolve("coverage.png"));
            assertEquals(List.of(), browser.severeMessages(), "console errors");
            assertEquals(List.of(), browser.svgTextOutsideItsSvg(), "clipped chart text");
            String body = (String) browser.script("return document.body.innerText;");
            assertFalse(body.contains("[[") || body.contains("]]"), "raw markers on the page: " + body);
            @SuppressWarnings("unchecked")
            List<String> marks = (List<String>) browser.script(
                    "return [...document.querySelectorAll('mark')].map(m => m.textContent);");
            assertEquals(4, marks.size(), "one highlighted token per target: " + marks);
            assertTrue(marks.stream().noneMatch(m -> m.contains("\uFFFD")), "split characters: " + marks);
            assertEquals(List.of("𠜎", " 鬱", " dog", "𠜱"), marks, "whole characters highlighted");
            assertEquals(Boolean.TRUE, browser.script(
                    "return document.querySelector('section#provenance table table') !== null;"), "nested tables");
            BufferedImage image = ImageIO.read(shot.toFile());
            assertEquals(1440, image.getWidth(), "screenshot width");
        }
    }
}
