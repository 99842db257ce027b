package org.toxiscope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.toxiscope.common.HeadlessBrowser;

/**
 * The explorer page in a headless Chromium against the real server on an ephemeral loopback port (demo model): each
 * tab's flow, the keyboard, the error region, no SEVERE console message and no request beyond the server's origin.
 */
class ExplorerPageTest {

    private static final Path SHOTS = Path.of("target", "chromium");
    private static final long PATIENCE_MS = 120_000;

    private static ScoreServer server;
    private static HeadlessBrowser browser;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        browser = HeadlessBrowser.start(1200, 900);
        driver = browser.driver();
        server = ScoreServer.start(ServeSettings.loopback(), System.err);
        server.ready(DemoBundle.classifier());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openPage() {
        browser.open(server.url());
        until("the bundle info", () -> text("info").startsWith("Bundle " + DemoBundle.classifier().id()));
    }

    @AfterEach
    void onlyTheServerWasAsked() {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) browser.script(
                "return performance.getEntriesByType('resource').map(e => e.name).concat(location.href)");
        String origin = server.url().toString().replaceAll("/$", "");
        assertTrue(origin.startsWith("http://127.0.0.1:"), origin);
        for (String url : urls) {
            assertTrue(url.startsWith(origin + "/"), "a request beyond the server: " + url);
        }
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** Polls the page (the browser gives no event to wait on) until {@code done}, failing after a bound. */
    private static void until(String what, BooleanSupplier done) {
        long end = System.currentTimeMillis() + PATIENCE_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the page never showed " + what + "; errors: " + text("messages"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void noSevereMessages() {
        List<String> severe = browser.severeMessages();
        assertTrue(severe.isEmpty(), "console: " + severe);
        assertEquals("", text("messages"));
    }

    @Test
    void encodeShowsTheScoreAndShadesTokensWithTheirFeaturesOnFocus() throws Exception {
        WebElement box = driver.findElement(By.id("encode-text"));
        box.clear();
        box.sendKeys("You are an absolute idiot and everyone here knows it.");
        box.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        until("shaded tokens", () -> !driver.findElements(By.cssSelector("#encode-tokens .tok")).isEmpty());
        double expected = DemoBundle.classifier().score(List.of(box.getAttribute("value")), false).get(0).toxicScore();
        assertEquals(String.format("%.3f", expected), text("encode-score-value"));
        String decision = driver.findElement(By.cssSelector("#encode-score .decision")).getText();
        assertTrue(List.of("toxic", "not toxic").contains(decision), decision);
        List<WebElement> tokens = driver.findElements(By.cssSelector("#encode-tokens .tok"));
        long shaded = tokens.stream().filter(t -> !"0".equals(t.getAttribute("data-step"))).count();
        assertTrue(shaded > 0, "some token is shaded");
        assertTrue(tokens.stream().anyMatch(t -> t.findElement(By.className("v")).getText().matches("[0-9.]+")),
                "values are written under the tokens");
        tokens.get(0).click();
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertEquals("1", driver.switchTo().activeElement().getAttribute("data-t"), "arrow keys move over tokens");
        until("the logit lens in the token's details", () -> {
            String tip = text("token-tip");
            return tip.startsWith("Token 1") && tip.contains("\"") && !tip.contains("\u2026");
        });
        new Actions(driver).moveToElement(tokens.get(3)).perform();
        until("the hovered token's details", () -> text("token-tip").startsWith("Token 3"));
        new Actions(driver).moveToElement(box).perform();
        until("the focused token's details once the mouse left the tokens",
                () -> text("token-tip").startsWith("Token 1"));
        browser.screenshot(SHOTS.resolve("encode.png"));
        noSevereMessages();
    }

    @Test
    void steerSweepFillsOneColumnPerAlpha() throws Exception {
        driver.findElement(By.id("tab-encode")).click();
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        WebElement tokens = driver.findElement(By.id("steer-tokens"));
        tokens.clear();
        tokens.sendKeys("8");
        driver.findElement(By.id("steer-run")).click();
        until("four finished columns", () -> driver.findElements(By.cssSelector("#steer-columns .column")).stream()
                .filter(c -> c.findElement(By.className("state")).getText().startsWith("done")).count() == 4);
        List<WebElement> columns = driver.findElements(By.cssSelector("#steer-columns .column"));
        assertEquals(List.of("0", "5", "20", "100"), columns.stream().map(c -> c.getAttribute("data-alpha")).toList());
        for (WebElement c : columns) {
            assertFalse(c.findElement(By.className("continuation")).getText().isEmpty(), c.getText());
        }
        browser.screenshot(SHOTS.resolve("steer.png"));
        noSevereMessages();
    }

    @Test
    void compareRanksFeaturesByTheDifferenceOfFiringRates() throws Exception {
        driver.findElement(By.id("tab-compare")).click();
        driver.findElement(By.id("compare-run")).click();
        until("the ranked table", () -> !driver.findElements(By.cssSelector("#compare-table tbody tr")).isEmpty());
        List<WebElement> rows = driver.findElements(By.cssSelector("#compare-table tbody tr"));
        double previous = Double.MAX_VALUE;
        for (WebElement row : rows) {
            double difference = Math.abs(Double.parseDouble(row.findElements(By.tagName("td")).get(4).getText()));
            assertTrue(difference <= previous + 1e-9, "ranked by |difference|: " + row.getText());
            previous = difference;
        }
        browser.screenshot(SHOTS.resolve("compare.png"));
        noSevereMessages();
    }

    @Test
    void arrowKeysMoveBetweenTabsAndShowTheirPanels() {
        driver.findElement(By.id("tab-encode")).click();
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_LEFT);
        assertEquals("tab-compare", driver.switchTo().activeElement().getAttribute("id"), "left wraps to the last");
        assertEquals("true", driver.findElement(By.id("tab-compare")).getAttribute("aria-selected"));
        assertTrue(driver.findElement(By.id("panel-compare")).isDisplayed());
        assertFalse(driver.findElement(By.id("panel-encode")).isDisplayed());
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertEquals("tab-encode", driver.switchTo().activeElement().getAttribute("id"), "right wraps to the first");
        driver.switchTo().activeElement().sendKeys(Keys.END);
        assertEquals("tab-compare", driver.switchTo().activeElement().getAttribute("id"));
        assertEquals("0", driver.findElement(By.id("tab-compare")).getAttribute("tabindex"));
        assertEquals("-1", driver.findElement(By.id("tab-encode")).getAttribute("tabindex"));
        noSevereMessages();
    }

    @Test
    void theServersErrorIsShownInTheLiveRegion() {
        driver.findElement(By.id("tab-steer")).click();
        WebElement feature = driver.findElement(By.id("steer-feature"));
        feature.clear();
        feature.sendKeys("99999999");
        driver.findElement(By.id("steer-run")).click();
        until("the error", () -> !text("messages").isEmpty());
        assertTrue(text("messages").contains("400 INVALID_ARGUMENT"), text("messages"));
        assertTrue(text("messages").contains("steer[0].feature"), text("messages"));
        assertEquals("assertive", driver.findElement(By.id("messages")).getAttribute("aria-live"));
        assertTrue(browser.severeMessages().stream().allMatch(m -> m.contains("/v1/generate") && m.contains("400")),
                "only the refused request is on the console");
    }
}
