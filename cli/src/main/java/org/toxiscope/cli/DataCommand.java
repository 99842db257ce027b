package org.toxiscope.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code toxiscope data ...}: inspect, split and join labelled text corpora. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Labelled text corpora (CSV, TSV, JSON Lines, Parquet; .gz/.bz2/.xz/.zst): statistics, splits "
                + "and joins.",
        subcommands = {DataStatsCommand.class, DataSplitCommand.class, DataJoinCommand.class})
final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
