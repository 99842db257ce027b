package org.toxiscope.cli;

import org.toxiscope.cli.bench.BenchCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code toxiscope} command: dispatches to one subcommand per job; exit 0 on success, non-zero with a one-line error. */
@Command(name = "toxiscope", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Toxicity classification and safety-data synthesis on Qwen-Scope SAE features.",
        subcommands = {
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class,
            DemoCommand.class,
            BenchCommand.class,
            DataCommand.class,
            FeaturesCommand.class,
            DiscoverCommand.class,
            TrainCommand.class,
            LabelCommand.class,
            ServeCommand.class,
            EvalCommand.class,
            SynthesizeCommand.class,
            ExplainFeatureCommand.class,
            GenerateCommand.class,
            SaeCommand.class,
        })
public final class Toxiscope implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with the one-line error handlers every subcommand shares. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Toxiscope());
        OneLineErrors errors = new OneLineErrors();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExecutionStrategy(errors);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
