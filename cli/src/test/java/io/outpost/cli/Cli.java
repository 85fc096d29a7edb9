package io.outpost.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine;

/** Runs the real command line in this JVM with a given environment, capturing what it prints. */
record Cli(int exitCode, String out, String err) {

    static final Path HOME = Path.of("/home/ada");

    static ProcessContext user(Map<String, String> env) {
        return new ProcessContext(env, HOME, false);
    }

    static Cli run(ProcessContext context, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(context);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exitCode = cmd.execute(args);
        return new Cli(exitCode, out.toString(), err.toString());
    }

    static Cli run(String... args) {
        return run(user(Map.of()), args);
    }

    /** Parses {@code outpost server ARGS} without running it. */
    static ServerConfig serverConfig(ProcessContext context, String... args) {
        CommandLine cmd = Main.commandLine(context);
        CommandLine.ParseResult parsed = cmd.parseArgs(prepend("server", args));
        ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
        return server.config();
    }

    /** Parses {@code outpost agent ARGS} without running it. */
    static AgentConfig agentConfig(ProcessContext context, String... args) {
        CommandLine cmd = Main.commandLine(context);
        CommandLine.ParseResult parsed = cmd.parseArgs(prepend("agent", args));
        AgentCommand agent = parsed.subcommand().commandSpec().commandLine().getCommand();
        return agent.config();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
