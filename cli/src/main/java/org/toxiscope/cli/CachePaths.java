package org.toxiscope.cli;

import java.nio.file.Path;

/** Where toxiscope caches things by default: $XDG_CACHE_HOME/toxiscope, else ~/.cache/toxiscope. */
final class CachePaths {

    private CachePaths() {
    }

    static Path root() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("toxiscope");
    }
}
