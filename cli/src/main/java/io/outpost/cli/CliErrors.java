package io.outpost.cli;

import java.io.PrintWriter;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the CLI reports what went wrong: a user's mistake as one line that names the flag and the
 * fix, never a stack trace; a bug with its stack trace.
 */
final class CliErrors {

    private CliErrors() {
    }

    /** Bad input (exit code 2): the message, a suggestion for a misspelled flag, where help is. */
    static final class BadInput implements IParameterExceptionHandler {

        private final EnvDefaults env;

        BadInput(EnvDefaults env) {
            this.env = env;
        }

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String name = cmd.getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage() + fromEnvironment(ex, args));
            UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + name + " --help' for usage.");
            err.flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }

        /** Says so when the bad value came from a flag's environment twin, not the command line. */
        private String fromEnvironment(ParameterException ex, String[] args) {
            if (!(ex.getArgSpec() instanceof OptionSpec option) || env.valueOf(option) == null) {
                return "";
            }
            boolean onCommandLine = Arrays.stream(args).anyMatch(arg -> Arrays.stream(option.names())
                    .anyMatch(n -> arg.equals(n) || arg.startsWith(n + "=")));
            return onCommandLine ? "" : " (the value came from " + EnvDefaults.variableFor(option) + ")";
        }
    }

    /**
     * A failure while running (exit code 1). The store's errors and {@link StartupFailure}s name the
     * file, flag or endpoint and the fix, so they are shown as they are; anything else is a bug and
     * is logged with its stack.
     */
    static final class Failure implements IExecutionExceptionHandler {

        private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            String name = cmd.getCommandSpec().qualifiedName();
            if (ex instanceof StoreException || ex instanceof StartupFailure) {
                cmd.getErr().println(name + ": " + ex.getMessage());
                cmd.getErr().flush();
            } else {
                LOG.error("{} failed; this is a bug, please report it with this output", name, ex);
            }
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        }
    }
}
