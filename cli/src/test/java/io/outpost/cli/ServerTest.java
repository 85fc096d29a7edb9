package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.StoreException;

/** The server's wiring on the real SQLite store, in this JVM. */
class ServerTest {

    @TempDir
    Path dataDir;

    private ServerConfig sqlite() {
        return new ServerConfig(dataDir, new Datastore.Sqlite()).withPort(0).withoutLocalAgent();
    }

    @Test
    void startOpensTheDatabaseInTheDataDirAndCloseReleasesIt() throws Exception {
        try (Server server = new Server(sqlite())) {
            server.start();
            assertThat(Datastores.sqliteFile(dataDir)).exists();
        }
        // Released: a second server may open it now.
        try (Server again = new Server(sqlite())) {
            again.start();
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirIsToldWhichFileIsLocked() {
        try (Server first = new Server(sqlite()); Server second = new Server(sqlite())) {
            first.start();

            assertThatThrownBy(second::start).isInstanceOf(StoreException.Unavailable.class)
                    .hasMessageContaining(Datastores.sqliteFile(dataDir) + ".lock")
                    .hasMessageContaining("use another --data-dir");
        }
    }

    @Test
    void startServesTheApiAndWritesTheAdminKubeconfigWithTheBoundPort() throws Exception {
        try (Server server = new Server(sqlite())) {
            server.start();

            assertThat(server.apiPort()).isPositive();
            assertThat(dataDir.resolve("admin.kubeconfig")).content()
                    .contains("server: \"https://127.0.0.1:" + server.apiPort() + "\"").contains("client-key-data: ");
            assertThat(dataDir.resolve("tls").resolve("ca.key")).exists();
        }
    }

    @Test
    void aPortInUseNamesTheFlagAndTheFixAndExits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Cli cli = Cli.run("server", "--data-dir", dataDir.toString(), "--port", String.valueOf(port));

            assertThat(cli.exitCode()).isEqualTo(1);
            assertThat(cli.err()).contains("outpost server: --port " + port + " / --bind-address 127.0.0.1: cannot listen there",
                    "pass another --port").doesNotContain("\tat ");
        }
    }

    @Test
    void aStopRequestWakesTheWaitingThreadAndCloseIsIdempotent() throws Exception {
        Server server = new Server(sqlite());
        server.start();

        server.requestStop();
        server.awaitStopRequest(); // returns at once
        server.close();
        server.close();

        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEtcdThatDoesNotAnswerIsReportedWithTheFlag() {
        // Port 1 on loopback: nothing listens there, so every connection is refused.
        ServerConfig etcd = new ServerConfig(dataDir, new Datastore.Etcd("etcd://127.0.0.1:1")).withPort(0).withoutLocalAgent();
        try (Server server = new Server(etcd)) {
            assertThatThrownBy(server::start).isInstanceOf(StoreException.Unavailable.class)
                    .hasMessageContaining("--datastore");
        }
        assertThat(Files.exists(Datastores.sqliteFile(dataDir))).isFalse();
    }
}
