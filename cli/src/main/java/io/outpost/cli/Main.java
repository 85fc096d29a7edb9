package io.outpost.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outpost}: one command with a subcommand per role, {@code token} to manage join tokens and
 * {@code images} to preload a node's images. Only roles that work are listed; the others (sim) are
 * added as they are written.
 */
@Command(name = "outpost", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Outpost: a lightweight Kubernetes for the edge.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'outpost COMMAND --help' for a command's flags."})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        Logging.chooseProvider(args);
        System.exit(commandLine(ProcessContext.current()).execute(args));
    }

    static CommandLine commandLine(ProcessContext context) {
        CommandLine cmd = new CommandLine(new Main())
                .addSubcommand(new ServerCommand(context))
                .addSubcommand(new AgentCommand(context))
                .addSubcommand(new CommandLine(new TokenCommand())
                        .addSubcommand(new TokenCommand.Create(context, java.time.Clock.systemUTC()))
                        .addSubcommand(new TokenCommand.ListTokens(context, java.time.Clock.systemUTC()))
                        .addSubcommand(new TokenCommand.Delete(context)))
                .addSubcommand(new CommandLine(new ImagesCommand())
                        .addSubcommand(new ImagesCommand.Import(context)))
                .addSubcommand(new CommandLine.HelpCommand());
        return withHandlers(cmd, context);
    }

    /** Flags' {@code OUTPOST_*} environment defaults, and errors that name the flag and the fix. */
    static CommandLine withHandlers(CommandLine cmd, ProcessContext context) {
        cmd.setDefaultValueProvider(new EnvDefaults(context.env()));
        cmd.setParameterExceptionHandler(new CliErrors.BadInput(new EnvDefaults(context.env())));
        cmd.setExecutionExceptionHandler(new CliErrors.Failure());
        return cmd;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required, e.g. outpost server");
    }
}
