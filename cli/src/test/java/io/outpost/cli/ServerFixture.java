package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.nodelifecycle.Timings;

/**
 * The whole server in this JVM, as the system tests start it: SQLite under {@code DIR/data}, on a
 * free port, writing its admin kubeconfig there; and, for the tests that want one, a fabric8 client
 * configured from that kubeconfig alone, as a user would configure it.
 *
 * <p>A test class holds one in a static field, starts it in {@code @BeforeAll} (after any
 * {@link Kubectl#find}, so that a missing binary skips the class before a server starts) and
 * closes it in {@code @AfterAll}. Not thread-safe: the first {@link #client()} call is made before
 * the tests run.
 */
final class ServerFixture implements AutoCloseable {

    private final Server server;
    private final Path dataDir;
    private KubernetesClient client;

    private ServerFixture(Server server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** Starts a server on a free port with its data in {@code dir/data}. */
    static ServerFixture start(Path dir) {
        return start(dir, java.time.Clock.systemUTC(), c -> c);
    }

    /** As {@link #start(Path)}, with the controllers on {@code controllerClock}. */
    static ServerFixture start(Path dir, java.time.Clock controllerClock) {
        return start(dir, controllerClock, c -> c);
    }

    /** The same, with settings changed by {@code customize} (a shorter grace period, a scheduler config). */
    static ServerFixture start(Path dir, UnaryOperator<ServerConfig> customize) {
        return start(dir, java.time.Clock.systemUTC(), customize);
    }

    private static ServerFixture start(Path dir, java.time.Clock controllerClock, UnaryOperator<ServerConfig> customize) {
        Path dataDir = dir.resolve("data");
        Server server = new Server(customize.apply(new ServerConfig(dataDir, new Datastore.Sqlite()).withPort(0).withoutLocalAgent()),
                controllerClock);
        try {
            server.start();
        } catch (RuntimeException | Error e) {
            server.close(); // a half-started server holds its store and port
            throw e;
        }
        return new ServerFixture(server, dataDir);
    }

    /**
     * For tests that register Nodes with no agent behind them: a grace period of an hour, so the
     * node lifecycle controller does not mark them unreachable (and taint them) after kube's 40 s
     * while the test runs.
     */
    static ServerConfig nodesWithoutAgents(ServerConfig config) {
        return config.withControllers(new ControllerManagers.Settings(new Timings(Duration.ofHours(1), Duration.ofHours(1))));
    }

    /** The server's data dir ({@code DIR/data}): admin.kubeconfig, node-token, tls/. */
    Path dataDir() {
        return dataDir;
    }

    /** The API server's port. */
    int port() {
        return server.apiPort();
    }

    /** This server's fabric8 client, built on the first call; {@link #close} closes it. */
    KubernetesClient client() throws IOException {
        if (client == null) {
            client = fabric8(dataDir);
        }
        return client;
    }

    /** A client configured only from the admin kubeconfig in {@code dataDir}, as a user would. */
    static KubernetesClient fabric8(Path dataDir) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(dataDir.resolve("admin.kubeconfig")));
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    Server server() {
        return server;
    }

    /** Closes the client, if there is one, then the server. */
    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.close();
    }
}
