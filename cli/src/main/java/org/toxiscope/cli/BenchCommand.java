package org.toxiscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code toxiscope bench}: parent of the benchmark subcommands, each printing its own speed figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed benchmarks; each subcommand prints its figures to stdout.",
        subcommands = {BenchEvalCommand.class},
        footer = {"", "Example:", "  toxiscope bench eval --rows 100000"})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
