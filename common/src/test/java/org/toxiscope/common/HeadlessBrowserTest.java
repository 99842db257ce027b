package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

class HeadlessBrowserTest {

    @Test
    void rendersAPageRunsItsScriptAndShootsBeyondTheWindow(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("page.html");
        Files.writeString(page, "<!doctype html><body style='margin:0'><div id=tall style='height:3000px;"
                + "background:#0072B2'></div><input id=box><script>document.title='ready'</script>"
                + "<img src='missing.png'></body>");
        try (HeadlessBrowser browser = HeadlessBrowser.start(800, 600)) {
            browser.open(page.toUri());
            assertEquals("ready", browser.driver().getTitle());
            browser.driver().findElement(By.id("box")).sendKeys("typed");
            assertEquals("typed", browser.script("return document.getElementById('box').value"));
            BufferedImage image = ImageIO.read(browser.screenshot(dir.resolve("shot.png")).toFile());
            assertEquals(800, image.getWidth());
            assertTrue(image.getHeight() >= 3000, "height " + image.getHeight());
            assertEquals(0x0072B2, image.getRGB(10, 2500) & 0xffffff);
            assertTrue(browser.severeMessages().stream().anyMatch(m -> m.contains("missing.png")),
                    "the failed image load is reported");
        }
    }
}
