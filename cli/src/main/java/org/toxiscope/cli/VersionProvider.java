package org.toxiscope.cli;

import picocli.CommandLine;

/** Prints the toxiscope version and the runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Toxiscope.class.getPackage().getImplementationVersion();
        return new String[] {
            "toxiscope " + (version == null ? "(development build)" : version),
            "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"),
            "engine: DJL PyTorch (libtorch 2.7.1, CPU; GPU where a CUDA libtorch is found)",
        };
    }
}
