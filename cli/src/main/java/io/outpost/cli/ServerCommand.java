package io.outpost.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code outpost server}: parses its flags into a {@link ServerConfig} and runs a {@link Server}. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs the control plane (in this release: opens the datastore and holds it).",
            "Runs until stopped with Ctrl-C or SIGTERM; exits 0 after a clean stop.", ""},
        footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
final class ServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where the server keeps its state; created with mode 0700 if missing.",
                "Default: ~/.outpost, or /var/lib/outpost as root. Env: OUTPOST_DATA_DIR."})
    private String dataDir;

    @Option(names = "--datastore", paramLabel = "STORE", defaultValue = "sqlite",
            converter = DatastoreConverter.class,
            description = {"sqlite: the embedded database DIR/db/state.db.",
                "etcd://h1:2379,h2:2379: an etcd cluster (one or more HOST:PORT).",
                "Default: ${DEFAULT-VALUE}. Env: OUTPOST_DATASTORE."})
    private Datastore datastore;

    private final ProcessContext context;

    ServerCommand(ProcessContext context) {
        this.context = context;
    }

    /** The flags as a config; touches nothing on disk. */
    ServerConfig config() {
        Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home())
                : DataDir.fromFlag(dataDir, context.home());
        return new ServerConfig(dir.toAbsolutePath().normalize(), datastore);
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config();
        try {
            DataDir.prepare(config.dataDir());
        } catch (DataDir.Unusable e) {
            throw new ParameterException(spec.commandLine(), "--data-dir " + config.dataDir() + ": " + e.getMessage()
                    + ". Fix: pass a folder this user may write in, or run as one who may write there",
                    spec.findOption("--data-dir"), dataDir);
        }
        new Server(config).run();
        return 0;
    }

    static final class DatastoreConverter implements ITypeConverter<Datastore> {
        @Override
        public Datastore convert(String value) {
            try {
                return Datastore.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
