package org.toxiscope.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr ({@code toxiscope <command>: <message>}) and exit
 * code 1 (stack trace only with TOXISCOPE_DEBUG), a bad command line (missing or malformed flag) into one such
 * line and picocli's exit code 2, and an {@link OutOfMemoryError} into one line naming the inputs given and the
 * flags that bound the work, exit code 3.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler,
        CommandLine.IExecutionStrategy {

    /** Exit code of a command that ran out of Java heap. */
    static final int OUT_OF_MEMORY = 3;

    // Options naming what a command reads, and options that bound how much it holds at once, in the order named.
    private static final List<String> INPUT_OPTIONS = List.of("--input", "--data", "--texts", "--model", "--sae",
            "--classifier", "--seed-corpus");
    private static final List<String> BOUND_OPTIONS = List.of("--max-tokens", "--batch-tokens", "--max-batch",
            "--batch", "--chunk", "--max-new-tokens", "--sample", "--rows");

    private final CommandLine.IExecutionStrategy delegate = new CommandLine.RunLast();

    @Override
    public int execute(CommandLine.ParseResult parsed) {
        try {
            return delegate.execute(parsed);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through; the heap is free again once the command's frames are gone
            return outOfMemory(e, ran(parsed));
        }
    }

    private static CommandLine ran(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p.commandSpec().commandLine();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return outOfMemory(oom, cmd); // thrown in a worker thread and wrapped on the way out
            }
        }
        if (System.getenv("TOXISCOPE_DEBUG") != null) {
            e.printStackTrace();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message.replace('\n', ' '));
        return 1;
    }

    /** One line: what ran out, on which inputs, and which of the command's flags (or the heap size) to change. */
    static int outOfMemory(OutOfMemoryError e, CommandLine cmd) {
        if (System.getenv("TOXISCOPE_DEBUG") != null) {
            e.printStackTrace();
        }
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        CommandLine.ParseResult parsed = cmd.getParseResult();
        List<String> inputs = new ArrayList<>();
        List<String> bounds = new ArrayList<>();
        for (String name : INPUT_OPTIONS) {
            if (parsed != null && parsed.hasMatchedOption(name)) {
                inputs.add(name + " " + String.join(" ", parsed.matchedOption(name).stringValues()));
            }
        }
        for (String name : BOUND_OPTIONS) {
            if (spec.findOption(name) != null) {
                bounds.add(name);
            }
        }
        StringBuilder line = new StringBuilder(spec.qualifiedName()).append(": out of memory (")
                .append(e.getMessage() == null ? "Java heap" : e.getMessage()).append(", the heap may grow to ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB)");
        line.append(inputs.isEmpty() ? "" : " on " + String.join(", ", inputs)).append(": the input is too large for ")
                .append("this heap; ");
        if (!bounds.isEmpty()) {
            line.append("lower ").append(String.join(" or ", bounds)).append(", or ");
        }
        line.append("raise the heap with TOXISCOPE_HEAP (e.g. TOXISCOPE_HEAP=16g)");
        cmd.getErr().println(line.toString().replace('\n', ' '));
        return OUT_OF_MEMORY;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + String.valueOf(e.getMessage()).replace('\n', ' ') + " (see " + name
                + " --help)");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
