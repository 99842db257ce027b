package org.toxiscope.cli;

import org.toxiscope.common.Versions;
import picocli.CommandLine;

/** Prints the toxiscope version and the runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "toxiscope " + Versions.toxiscope(),
            "Java " + Versions.java() + " on " + Versions.os(),
            "engine: DJL PyTorch (libtorch 2.7.1, CPU; GPU where a CUDA libtorch is found)",
        };
    }
}
