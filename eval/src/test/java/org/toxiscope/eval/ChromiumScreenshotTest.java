package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HeadlessBrowser;

/**
 * Renders the report pages (the sample evaluation, {@code eval layers} and {@code eval curve}) in headless Chromium
 * and checks their layout there: no SVG text outside its chart, legends unique and whole, integer ticks on the layer
 * axis, distinct line styles, the provenance as a nested table. Skips where Chromium is not installed. Each page and
 * its screenshot stay in eval/target/chromium/ for a person to look at.
 */
class ChromiumScreenshotTest {

    private static final Path DIR = Path.of("target", "chromium").toAbsolutePath();
    private static HeadlessBrowser browser;

    @BeforeAll
    static void start() {
        browser = HeadlessBrowser.start(1440, 900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theEvaluationPageLaysOutInTheBrowser() throws Exception {
        BufferedImage image = render("eval", EvalReportTest.sampleReport());
        int blue = 0;
        int orange = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                blue += rgb == 0x0072B2 ? 1 : 0;
                orange += rgb == 0xD55E00 ? 1 : 0;
            }
        }
        // Bars and lines in the first two palette colours (rule, logreg) are painted.
        assertTrue(blue > 500 && orange > 500, "palette pixels: blue " + blue + ", orange " + orange);
    }

    @Test
    void theLayersPageLaysOutInTheBrowser() throws Exception {
        render("layers", SamplePages.layers());
        @SuppressWarnings("unchecked")
        List<String> ticks = (List<String>) browser.script("""
                const out = [];
                for (const svg of document.querySelectorAll('svg')) {
                  const label = svg.querySelector('text.axis-label.x');
                  if (!label || label.textContent !== 'layer') continue;
                  svg.querySelectorAll('text.tick.x').forEach(t => out.push(t.textContent));
                }
                return out;""");
        assertTrue(ticks.size() >= 6, "two layer charts with ticks: " + ticks);
        assertTrue(ticks.stream().allMatch(t -> t.matches("\\d+")), "layer ticks are integers: " + ticks);
    }

    @Test
    void theCurvePageLaysOutInTheBrowser() throws Exception {
        render("curve", SamplePages.curve());
        Number lines = (Number) browser.script("""
                const svg = [...document.querySelectorAll('svg')]
                    .find(s => s.querySelector('title').textContent.startsWith('Held-out F1 vs discovery'));
                return svg.querySelectorAll('g.legend-entry').length;""");
        assertEquals(16, lines.intValue(), "Fig. 12: macro-F1, all rows and 14 languages");
    }

    /** Writes and opens {@code report} as page {@code name}, screenshots it and checks what every page must meet. */
    private static BufferedImage render(String name, EvalReport report) throws Exception {
        Path dir = DIR.resolve(name);
        report.write(dir);
        browser.open(dir.resolve(EvalReport.INDEX_HTML).toUri());
        Path shot = browser.screenshot(DIR.resolve(name + ".png"));
        assertEquals(List.of(), browser.severeMessages(), name + ": console errors");
        assertEquals(List.of(), browser.svgTextOutsideItsSvg(), name + ": clipped chart text");
        @SuppressWarnings("unchecked")
        List<String> legends = (List<String>) browser.script("""
                const out = [];
                for (const svg of document.querySelectorAll('svg')) {
                  const title = svg.querySelector('title').textContent;
                  const seen = new Set();
                  for (const g of svg.querySelectorAll('g.legend-entry')) {
                    const text = g.querySelector('text').textContent;
                    const swatch = g.firstElementChild;
                    const style = ['stroke', 'fill', 'stroke-dasharray'].map(a => swatch.getAttribute(a)).join(' ');
                    if (text.includes('\\u2026') || text.includes('...')) out.push(title + ': shortened ' + text);
                    if (seen.has(text)) out.push(title + ': twice ' + text);
                    if (seen.has(style)) out.push(title + ': same style as another entry, ' + text);
                    seen.add(text);
                    seen.add(style);
                  }
                }
                return out;""");
        assertEquals(List.of(), legends, name + ": legend problems");
        @SuppressWarnings("unchecked")
        List<String> provenance = (List<String>) browser.script("""
                const section = document.getElementById('provenance');
                const out = [];
                if (!section.querySelector('table table')) out.push('no nested table');
                section.querySelectorAll('th').forEach(th => {
                  if (/\\w\\.\\w/.test(th.textContent)) out.push('flat dotted key ' + th.textContent);
                });
                section.querySelectorAll('td').forEach(td => {
                  if (/^\\[.*\\]$|\\w\\[\\w+=/.test(td.textContent)) out.push('Java toString ' + td.textContent);
                });
                return out;""");
        assertEquals(List.of(), provenance, name + ": provenance");
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1440, image.getWidth(), name + ": screenshot width");
        return image;
    }
}
