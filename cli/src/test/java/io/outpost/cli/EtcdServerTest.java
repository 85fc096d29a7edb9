package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.testing.EtcdProcess;

/** {@code outpost server --datastore etcd://...} against a real etcd. */
@Tag("system")
class EtcdServerTest {

    @TempDir
    Path tmp;

    @Test
    void theServerOpensAnEtcdDatastoreAndKeepsNoSqliteFile() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(tmp.resolve("etcd"))) {
            String spec = "etcd://127.0.0.1:" + etcd.clientUrl().getPort();
            Path dataDir = tmp.resolve("data");
            try (Server server = new Server(new ServerConfig(dataDir, Datastore.parse(spec)).withPort(0).withoutLocalAgent())) {
                server.start();
            }
            assertThat(Datastores.sqliteFile(dataDir)).doesNotExist();
        }
    }
}
