package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Renders the sample report in headless Chromium and checks the screenshot shows the charts. Runs only with
 * TOXISCOPE_CHROMIUM=1 (Debian: apt-get install chromium; binary from TOXISCOPE_CHROMIUM_BIN, default
 * /usr/bin/chromium). The page and screenshot stay in eval/target/chromium/ for a person to look at.
 */
@EnabledIfEnvironmentVariable(named = "TOXISCOPE_CHROMIUM", matches = "1")
class ChromiumScreenshotTest {

    @Test
    void screenshotShowsTheChartsAndNothingFailsToLoad() throws Exception {
        Path dir = Path.of("target", "chromium").toAbsolutePath();
        EvalReportTest.sampleReport().write(dir);
        Path shot = dir.resolve("screenshot.png");
        Files.deleteIfExists(shot);
        String chromium = System.getenv().getOrDefault("TOXISCOPE_CHROMIUM_BIN", "/usr/bin/chromium");
        Process process = new ProcessBuilder(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--enable-logging=stderr", "--window-size=1440,7600",
                "--screenshot=" + shot, dir.resolve(EvalReport.INDEX_HTML).toUri().toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "chromium did not finish within 120 s");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("chromium.log")));
        String log = Files.readString(dir.resolve("chromium.log"));
        assertFalse(log.contains("Failed to load resource") || log.contains("net::ERR_"), log);

        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1440, image.getWidth());
        Set<Integer> colors = new HashSet<>();
        int blue = 0;
        int orange = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                blue += rgb == 0x0072B2 ? 1 : 0;
                orange += rgb == 0xD55E00 ? 1 : 0;
            }
        }
        // Bars and lines in the first two palette colours (rule, logreg) are painted, text and charts give variety.
        assertTrue(blue > 500 && orange > 500, "palette pixels: blue " + blue + ", orange " + orange);
        assertTrue(colors.size() > 100, "distinct colours " + colors.size());
    }
}
