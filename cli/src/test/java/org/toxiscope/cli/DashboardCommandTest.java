package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.toxiscope.common.HeadlessBrowser;

/**
 * {@code toxiscope dashboard} on the demo model (made here, no shared fixtures) for a logreg bundle's features: the
 * site's files, then every page rendered in headless Chromium with each section found (density, histogram SVG,
 * contexts with shaded tokens whose values are also written out, logit lens, the four Query Lens lists, the steering
 * previews), no external reference and no SEVERE console message; a screenshot of one page goes to
 * {@code target/chromium/}. Also: a folder of other files is refused in one line and left as it was, and
 * {@code --overwrite} writes the site beside those files.
 */
class DashboardCommandTest {

    private static final Pattern EXTERNAL = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//");
    private static final int PREFIXES = 2;
    private static final int ALPHAS = 4;

    @TempDir
    static Path dir;

    private static String model;
    private static String sae;
    private static Path corpus;
    private static Path bundle;

    @BeforeAll
    static void demoModelAndBundle() throws Exception {
        DemoBundle demo = DemoBundle.make(dir);
        model = demo.model();
        sae = demo.sae();
        corpus = demo.corpus();
        bundle = demo.bundle();
    }

    @Test
    void everyPageRendersItsSectionsSelfContained() throws Exception {
        Path site = dir.resolve("site");
        CliRunner.Run run = CliRunner.runWithSystemErr("dashboard", "--classifier", bundle.toString(), "--model", model,
                "--sae", sae, "--top-n", "3", "--corpus", corpus.toString(), "--sample", "40", "--lens-texts", "6",
                "--preview-tokens", "5", "--contexts", "4", "--tokens", "5", "--output", site.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("dashboard: 40 records"), "the corpus pass's progress: " + run.err());
        assertTrue(run.err().contains("dashboard: query lens: 6 records"), run.err());
        assertTrue(run.err().contains("dashboard: steering previews: 3 records"), run.err());

        JsonObject data = JsonParser.parseString(Files.readString(site.resolve("dashboard.json"))).getAsJsonObject();
        assertEquals("toxiscope-dashboard/1", data.get("format").getAsString());
        JsonArray files = new JsonArray();
        files.add(corpus.toAbsolutePath().normalize().toString());
        assertEquals(files, data.getAsJsonObject("provenance").get("corpus"),
                "the corpus files as a JSON array of paths");
        assertTrue(Files.readString(site.resolve("index.html")).contains("corpus: " + files.get(0).getAsString() + ";"),
                "the page lists the files, not their JSON");
        JsonArray features = data.getAsJsonArray("features");
        assertEquals(3, features.size());
        List<String> pages = new ArrayList<>();
        for (JsonElement f : features) {
            JsonObject o = f.getAsJsonObject();
            assertTrue(o.get("weight").getAsDouble() > 0, "a linear bundle's features carry their weight");
            pages.add("L" + o.get("layer").getAsInt() + "_f" + o.get("feature").getAsInt() + ".html");
        }

        try (HeadlessBrowser browser = HeadlessBrowser.start(1200, 900)) {
            browser.open(site.resolve("index.html").toUri());
            List<WebElement> links = browser.driver().findElements(By.cssSelector("#features td a"));
            assertEquals(pages, links.stream().map(a -> a.getDomAttribute("href")).toList());
            assertTrue(browser.driver().findElement(By.cssSelector("#features")).getText()
                    .contains("classifier weight"));
            assertSelfContained(browser, site.resolve("index.html"));
            boolean shadedSomewhere = false;
            for (String page : pages) {
                browser.open(site.resolve(page).toUri());
                String density = browser.driver().findElement(By.cssSelector("section#density")).getText();
                assertTrue(density.matches("(?s).*Active on [\\d,]+ of [\\d,]+ token positions \\(density [\\d.e-]+\\).*"),
                        density);
                assertEquals(1, browser.driver().findElements(By.cssSelector("section#histogram svg")).size(), page);
                Object bars = browser.script("return Array.from(document.querySelectorAll('section#histogram svg "
                        + "rect > title')).filter(t => t.textContent.startsWith('texts, ')).length;");
                assertEquals(20L, bars, "one bar per bin (20 by default) on " + page);
                List<WebElement> tokens = browser.driver().findElements(By.cssSelector("section#contexts .ctx .tok"));
                for (WebElement t : tokens) {
                    String style = t.getDomAttribute("style");
                    assertTrue(style.startsWith("background:rgba("), style);
                    List<WebElement> value = t.findElements(By.tagName("sub"));
                    if (!value.isEmpty()) {
                        // A piece of several byte-level tokens says so after the value in its tooltip.
                        assertEquals(t.getDomAttribute("title").split(" ")[0], value.get(0).getText(),
                                "value as text and tooltip");
                        assertFalse(style.endsWith(",0.00)"), "an active token is shaded: " + style);
                        shadedSomewhere = true;
                    }
                }
                assertTrue(browser.driver().findElements(By.cssSelector("section#logit-lens tr")).size() > 5, page);
                assertEquals(4, browser.driver().findElements(By.cssSelector("section#query-lens table")).size());
                assertEquals(4 * (1 + 5), browser.driver().findElements(By.cssSelector("section#query-lens tr")).size());
                List<WebElement> previews = browser.driver().findElements(By.cssSelector("section#steering tr"));
                assertEquals(1 + PREFIXES * ALPHAS, previews.size(), page);
                assertTrue(previews.get(1).getText().contains("The weather today is"), previews.get(1).getText());
                assertSelfContained(browser, site.resolve(page));
            }
            assertTrue(shadedSomewhere, "a bundle's features fire on the corpus it was trained on");
            browser.open(site.resolve(pages.get(0)).toUri());
            Path shot = browser.screenshot(Path.of("target", "chromium", "dashboard-feature.png"));
            assertTrue(Files.size(shot) > 10_000, "a screenshot of a whole page");
        }
    }

    @Test
    void aFolderOfOtherFilesIsRefusedUnlessOverwriting() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(folder.resolve("notes.txt"), "keep me");
        String[] args = {"dashboard", "--model", model, "--sae", sae, "--layer", "1", "--feature", "3",
            "--corpus", corpus.toString(), "--sample", "8", "--lens-texts", "2", "--preview-tokens", "2",
            "--alpha", "0,5", "--output", folder.toString()};
        CliRunner.Run refused = CliRunner.run(args);
        assertEquals(1, refused.exit(), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("is not a dashboard"), refused.err());
        assertEquals(List.of("notes.txt"), list(folder));

        List<String> overwrite = new ArrayList<>(List.of(args));
        overwrite.add("--overwrite");
        CliRunner.Run written = CliRunner.run(overwrite.toArray(String[]::new));
        assertEquals(0, written.exit(), written.err());
        assertEquals(List.of("L1_f3.html", "dashboard.json", "index.html", "notes.txt"), list(folder));
        assertEquals("keep me", Files.readString(folder.resolve("notes.txt")));
        // Now a dashboard: rewriting it needs no flag.
        assertEquals(0, CliRunner.run(args).exit());
    }

    private static List<String> list(Path folder) throws Exception {
        try (var entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** No script, stylesheet link or absolute URL in the file, no SEVERE console message in the browser. */
    private static void assertSelfContained(HeadlessBrowser browser, Path page) throws Exception {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        assertFalse(EXTERNAL.matcher(html).find(), page + " refers to something outside the site");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("@import"), page.toString());
        Object outside = browser.script("return Array.from(document.querySelectorAll('[src],[href]'))"
                + ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                + ".filter(u => /^([a-z]+:|\\/\\/)/i.test(u)).length;");
        assertEquals(0L, outside, page.toString());
        assertEquals(List.of(), browser.severeMessages(), page.toString());
    }
}
