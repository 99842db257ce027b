package org.toxiscope.cli;

import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr ({@code toxiscope <command>: <message>}) and exit
 * code 1 (stack trace only with TOXISCOPE_DEBUG), and a bad command line (missing or malformed flag) into one such
 * line and picocli's exit code 2.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (System.getenv("TOXISCOPE_DEBUG") != null) {
            e.printStackTrace();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message.replace('\n', ' '));
        return 1;
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
