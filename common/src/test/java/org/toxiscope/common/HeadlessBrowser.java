package org.toxiscope.common;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven through ChromeDriver (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs) for the tests that render pages; {@link #start} skips the calling test, naming what is
 * missing, where the browser is not installed, so a fresh clone's suite still passes.
 */
public final class HeadlessBrowser implements AutoCloseable {

    /** The browser binary: {@code TOXISCOPE_CHROMIUM_BIN}, else Debian's path. */
    public static final String CHROMIUM = System.getenv().getOrDefault("TOXISCOPE_CHROMIUM_BIN", "/usr/bin/chromium");
    /** The driver binary: {@code TOXISCOPE_CHROMEDRIVER_BIN}, else Debian's path. */
    public static final String DRIVER =
            System.getenv().getOrDefault("TOXISCOPE_CHROMEDRIVER_BIN", "/usr/bin/chromedriver");

    /** Held so the level sticks: Selenium warns that it has no CDP binding for this exact Chromium, which is unused. */
    private static final Logger SELENIUM = Logger.getLogger("org.openqa.selenium");

    /** Tries of one screenshot (see {@link #screenshot}). */
    private static final int CAPTURE_ATTEMPTS = 4;

    private final ChromeDriver driver;

    private HeadlessBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts the browser with a {@code width} x {@code height} window, or skips the test when it is not installed. */
    public static HeadlessBrowser start(int width, int height) {
        for (String binary : List.of(CHROMIUM, DRIVER)) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)),
                    binary + " is missing: install Debian's chromium and chromium-driver (.ci/run does) to run this");
        }
        SELENIUM.setLevel(Level.SEVERE);
        // The driver is named, so Selenium Manager never looks for one on the network.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new HeadlessBrowser(new ChromeDriver(service, options));
    }

    /** The driver, for finding elements, typing and clicking. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Loads {@code page} and waits for its load event. */
    public void open(URI page) {
        driver.get(page.toString());
    }

    /** Runs {@code script} in the page ({@code arguments[i]} are {@code args}) and returns its result. */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /**
     * Every SVG {@code <text>} of the page whose rendered box (transforms applied) reaches outside its {@code <svg>}'s
     * box, as "chart title: 'text' (box) outside (svg box)": the text a reader sees clipped.
     */
    @SuppressWarnings("unchecked")
    public List<String> svgTextOutsideItsSvg() {
        return (List<String>) script("""
                const out = [];
                const box = r => '[' + [r.left, r.top, r.right, r.bottom].map(v => v.toFixed(1)).join(', ') + ']';
                for (const svg of document.querySelectorAll('svg')) {
                  const s = svg.getBoundingClientRect();
                  const title = svg.querySelector('title');
                  for (const t of svg.querySelectorAll('text')) {
                    const r = t.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) continue;
                    if (r.left < s.left - 0.5 || r.top < s.top - 0.5 || r.right > s.right + 0.5
                        || r.bottom > s.bottom + 0.5) {
                      out.push((title ? title.textContent : 'svg') + ": '" + t.textContent + "' " + box(r)
                          + ' outside ' + box(s));
                    }
                  }
                }
                return out;""");
    }

    /**
     * Writes a PNG of the whole page, beyond the window's height, to {@code file} and returns it. Chromium now and
     * then answers a capture sent just after a load with "Not attached to an active page" (its frame target is still
     * being swapped), so a failed capture is retried a few times before it counts.
     */
    public Path screenshot(Path file) throws IOException {
        Map<String, Object> shot = null;
        for (int attempt = 1; shot == null; attempt++) {
            try {
                script("return document.readyState");
                shot = driver.executeCdpCommand("Page.captureScreenshot",
                        Map.of("format", "png", "captureBeyondViewport", true));
            } catch (WebDriverException e) {
                if (attempt == CAPTURE_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(250L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        return file;
    }

    /** The console messages of level SEVERE since the last call (failed loads, script errors). */
    public List<String> severeMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
