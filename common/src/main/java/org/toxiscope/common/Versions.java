package org.toxiscope.common;

/** What made a result: toxiscope's version (the jar manifest's, {@value #DEVELOPMENT} from classes), Java's, the OS. */
public final class Versions {

    /** The version of a build run from compiled classes rather than the packaged jar, which alone carries one. */
    public static final String DEVELOPMENT = "dev";

    private Versions() {
    }

    /** The Implementation-Version of the jar holding toxiscope, or {@value #DEVELOPMENT}. */
    public static String toxiscope() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? DEVELOPMENT : v;
    }

    /** The running Java version, e.g. {@code 17.0.12+7}. */
    public static String java() {
        return Runtime.version().toString();
    }

    /** The operating system name and architecture, e.g. {@code Linux amd64}. */
    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
