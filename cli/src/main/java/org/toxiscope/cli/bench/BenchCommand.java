package org.toxiscope.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code toxiscope bench}: parent of the benchmark subcommands, each printing its figures (never asserted in tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed and memory benchmarks; each subcommand prints its figures to stdout.",
        subcommands = {BenchForwardCommand.class, BenchDataCommand.class, BenchEvalCommand.class,
            BenchQwen35Command.class, BenchSynthCommand.class, BenchFeaturesCommand.class,
            BenchLabelCommand.class, BenchQueryLensCommand.class, BenchServeCommand.class},
        footer = {"", "Example:", "  toxiscope bench forward --batch 4 --seq 128"})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
