package org.toxiscope.cli;

/** The toxiscope version recorded in provenance: the jar's Implementation-Version, or "dev" from classes. */
final class Version {

    private Version() {
    }

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
