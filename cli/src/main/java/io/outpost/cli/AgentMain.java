package io.outpost.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The entry point of {@code outpost-agent.jar}, the slim jar for edge nodes: only the roles a node
 * runs, {@code agent} and {@code images}, with the same flags and errors as in {@code outpost.jar}.
 *
 * <p>Why a second jar: an edge node downloads it over a metered link (29 MB, a third of the fat
 * jar), and the JVM keeps a class-path jar's whole central directory in its heap for the
 * process's life (4 MB for the fat jar's 39,000 entries; 2 MB for this jar's 19,000 entries
 * before BouncyCastle left it, 12,000 since). Measured with 10 process pods, the agent's resident
 * memory is about 7 MB lower from this jar (bench {@code AgentFootprint} and
 * {@code bench/agent-memory.sh}, closing notes of issue 6). The launcher runs it for those two
 * roles.
 *
 * <p>Thread model: runs once on the main thread, which exits with the command's code.
 */
@Command(name = "outpost", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Outpost's edge node: joins a server and runs the pods bound to this node.",
                "This jar holds the node's commands only; the control plane (server, token) is in outpost.jar.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'outpost COMMAND --help' for a command's flags."})
public final class AgentMain implements Runnable {

    @Spec
    private CommandSpec spec;

    /** The roles of {@code outpost.jar} that are not in this jar. */
    private static final java.util.Set<String> CONTROL_PLANE_ROLES = java.util.Set.of("server", "token");

    public static void main(String[] args) {
        String role = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (CONTROL_PLANE_ROLES.contains(role)) {
            System.err.println("outpost: '" + role + "' is not in outpost-agent.jar, the node's jar (agent and images only)."
                    + " Run it from outpost.jar: ./outpost " + role + " (the launcher picks the jar).");
            System.exit(2);
        }
        leaveOutLocaleTables();
        Logging.chooseProvider(args);
        System.exit(commandLine(ProcessContext.current()).execute(args));
    }

    /**
     * Locale data from the JDK's built-in root locale only, not from CLDR's tables for every locale:
     * a node formats times and numbers for logs and the API, never for a reader's locale, and
     * the first date format (slf4j-simple's time stamps, SQLite's JDBC driver) would otherwise
     * load CLDR's adapter and its list of a thousand locales, which stay resident (0.9 to 1.4 MB
     * of the agent with 10 pods; closing notes of issue 6). {@code HOST} names the operating system's settings, which the JDK reads
     * on Windows and macOS only: on Linux it leaves the built-in fallback. Must run before the
     * first locale-sensitive call; a value given on the command line wins.
     */
    static void leaveOutLocaleTables() {
        System.getProperties().putIfAbsent("java.locale.providers", "HOST");
    }

    static CommandLine commandLine(ProcessContext context) {
        CommandLine cmd = new CommandLine(new AgentMain())
                .addSubcommand(new AgentCommand(context))
                .addSubcommand(new CommandLine(new ImagesCommand())
                        .addSubcommand(new ImagesCommand.Import(context)))
                .addSubcommand(new CommandLine.HelpCommand());
        return Main.withHandlers(cmd, context);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required, e.g. outpost agent --server https://HOST:6443"
                + " --token TOKEN (this is the node's jar: server and token run from outpost.jar)");
    }
}
