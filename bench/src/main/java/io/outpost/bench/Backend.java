package io.outpost.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.outpost.store.KvStore;
import io.outpost.store.etcd.EtcdConfig;
import io.outpost.store.etcd.EtcdKvStore;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;
import io.outpost.testing.EtcdProcess;

/**
 * A store under benchmark with everything it runs on: SQLite in a temporary folder, or a real
 * single-member etcd (Debian's etcd-server) started in one, on the same disk.
 */
final class Backend implements AutoCloseable {

    private final Path dir;
    private final EtcdProcess etcd;
    final KvStore store;

    private Backend(Path dir, EtcdProcess etcd, KvStore store) {
        this.dir = dir;
        this.etcd = etcd;
        this.store = store;
    }

    static Backend start(String name) {
        Path dir;
        try {
            dir = Files.createTempDirectory("outpost-bench-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return switch (name) {
            case "sqlite" -> new Backend(dir, null, SqliteKvStore.open(SqliteConfig.defaults(dir.resolve("state.db"))));
            case "etcd" -> {
                EtcdProcess etcd = EtcdProcess.start(dir);
                yield new Backend(dir, etcd, EtcdKvStore.connect(EtcdConfig.defaults(List.of(etcd.clientUrl()))));
            }
            default -> throw new IllegalArgumentException("unknown backend " + name + "; use sqlite or etcd");
        };
    }

    @Override
    public void close() {
        store.close();
        if (etcd != null) {
            etcd.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless.
        }
    }
}
