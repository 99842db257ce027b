package org.toxiscope.cli;

import picocli.CommandLine.Command;

/** {@code toxiscope bench ...}: speed and memory figures, printed, never asserted in tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print their figures (speed, memory).",
        subcommands = {BenchQwen35Command.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
