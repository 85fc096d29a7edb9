package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.outpost.agent.runtime.containerd.ContainerdConfig;
import io.outpost.agent.runtime.containerd.ImageImport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code outpost images import [--data-dir DIR] FILE.tar}: preloads an OCI or docker image archive
 * into the node's containerd, for air-gapped nodes and weak links (issue 7); a pod then runs it
 * with {@code imagePullPolicy: Never} or {@code IfNotPresent} and no registry. The containerd is
 * the one the agent manages under its data dir ({@code DIR/containerd/containerd.sock}), or, for
 * the agent {@code outpost server} runs, {@code DIR/agent/containerd/containerd.sock}.
 */
@Command(name = "images", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Manages the container images of this node's containerd: import.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
final class ImagesCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: import");
    }

    @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Loads an OCI or docker image archive (.tar, as 'docker save' or 'skopeo copy ... oci-archive:'",
                "writes it) into the containerd of the agent whose data dir is DIR; prints the images imported.", ""},
            footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
    static final class Import implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = {"The agent's data dir (or the server's, for the agent it runs).",
                    "Default: ~/.outpost/agent, or /var/lib/outpost/agent as root. Env: OUTPOST_DATA_DIR."})
        private String dataDir;

        @Parameters(index = "0", paramLabel = "FILE.tar", description = "The image archive to import.")
        private Path archive;

        private final ProcessContext context;

        Import(ProcessContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path file = archive.toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "FILE.tar " + file + " is not a file. Fix: give the path of an OCI or"
                        + " docker image archive, e.g. one written by 'docker save -o app.tar app:1'");
            }
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "FILE.tar " + file + " is not readable by this user. Fix: run as one"
                        + " who may read it (root, for the agent's containerd)");
            }
            Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home()).resolve("agent")
                    : DataDir.fromFlag(dataDir, context.home()).toAbsolutePath().normalize();
            Path socket = socketUnder(dir);
            if (!Files.exists(socket)) {
                throw new ParameterException(spec.commandLine(), "--data-dir " + dir + ": no containerd socket at " + socket
                        + ". Fix: start the agent with --runtime containerd first, or pass the --data-dir it runs with",
                        spec.findOption("--data-dir"), String.valueOf(dataDir));
            }
            try {
                String out = ImageImport.importArchive(Path.of("/usr/bin/ctr"), socket, file);
                spec.commandLine().getOut().print(out);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IOException e) {
                throw new StartupFailure("importing " + file + ": " + e.getMessage()
                        + ". Fix: check that the file is an OCI or docker image archive and that the agent's containerd runs", e);
            }
        }

        /** The agent's managed containerd socket; for a server's data dir, its local agent's. */
        static Path socketUnder(Path dir) {
            Path agent = ContainerdConfig.defaults(dir, "10.42.0.0/24").socket();
            Path serversAgent = ContainerdConfig.defaults(dir.resolve("agent"), "10.42.0.0/24").socket();
            return !Files.exists(agent) && Files.exists(serversAgent) ? serversAgent : agent;
        }
    }
}
