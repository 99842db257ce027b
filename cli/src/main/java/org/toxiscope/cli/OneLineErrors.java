package org.toxiscope.cli;

import picocli.CommandLine;

/** Turns an exception escaping a command into one line on stderr and exit code 1 (stack trace only with TOXISCOPE_DEBUG). */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (System.getenv("TOXISCOPE_DEBUG") != null) {
            e.printStackTrace();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cmd.getErr().println("toxiscope " + cmd.getCommandName() + ": " + message.replace('\n', ' '));
        return 1;
    }
}
