package org.toxiscope.features;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/fixtures} beside the checkout; tests needing it skip with a message where absent. */
public final class SharedFixtures {

    private SharedFixtures() {
    }

    /** The fixtures folder, or a skipped test (JUnit assumption) when {@code ../shared} is absent. */
    public static Path dir() {
        String shared = System.getProperty("toxiscope.shared", "../shared");
        Path fixtures = Path.of(shared, "fixtures").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(fixtures),
                "skipped: golden fixtures not found at " + fixtures + " (../shared is absent on this clone)");
        return fixtures;
    }

    /** A file or folder inside the fixtures; skips the test where it is absent. */
    public static Path path(String relative) {
        Path p = dir().resolve(relative);
        assumeTrue(Files.exists(p), "skipped: fixture " + p + " is absent");
        return p;
    }
}
