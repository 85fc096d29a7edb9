package io.outpost.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.outpost.testing.EtcdProcess;

/**
 * One real etcd for every test class of this module that asks for it (a parameter of type
 * {@link EtcdProcess}), started on first use and stopped when JUnit finishes: starting etcd costs
 * a second or two, and this machine has two cores. Tests share it through {@link #namespace()}s,
 * so each store sees only its own keys.
 */
final class SharedEtcd implements ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SharedEtcd.class);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** The etcd and its temporary directory, closed by JUnit with its root context. */
    private record Server(EtcdProcess etcd, Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                etcd.close();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EtcdProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(STORE)
                .computeIfAbsent(Server.class, k -> start(), Server.class)
                .etcd();
    }

    private static Server start() {
        try {
            Path dir = Files.createTempDirectory("outpost-etcd-test");
            return new Server(EtcdProcess.start(dir), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key namespace no other store of this JVM uses; keys cannot contain NUL, so none is a prefix of another. */
    static String namespace() {
        return "/outpost-test-" + NAMESPACES.incrementAndGet() + "\0";
    }

    /** A jetcd client of the whole keyspace, to look behind a store's back. */
    static Client rawClient(EtcdProcess etcd) {
        return Client.builder().endpoints(etcd.clientUrl()).build();
    }

    /**
     * Deletes every key of {@code namespace}. A test that wrote keys with a ttl calls it when done:
     * their leases then expire on no key and write nothing, instead of deleting a key (a write, a
     * new revision) in the middle of a later test that counts revisions.
     */
    static void dropKeys(Client raw, String namespace) {
        ByteSequence from = ByteSequence.from(namespace, UTF_8);
        wait(raw.getKVClient().delete(from, DeleteOption.builder().withRange(Conversions.prefixEnd(namespace)).build()));
    }

    /**
     * Whether some key of these namespaces has a lease in its last second or past it, not yet
     * revoked: etcd reports a lease's remaining time truncated to whole seconds, so 0 covers both.
     */
    static boolean leaseRunningOut(Client raw, List<String> namespaces) {
        for (String namespace : namespaces) {
            GetOption keys = GetOption.builder().withRange(Conversions.prefixEnd(namespace)).withKeysOnly(true).build();
            Set<Long> leases = new HashSet<>();
            wait(raw.getKVClient().get(ByteSequence.from(namespace, UTF_8), keys)).getKvs().stream()
                    .map(KeyValue::getLease).filter(lease -> lease != 0).forEach(leases::add);
            for (long lease : leases) {
                if (wait(raw.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL() <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T> T wait(CompletableFuture<T> call) {
        try {
            return call.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("a direct call to etcd failed", e);
        }
    }

    /** A config for tests: a short request timeout, so a failure shows in seconds. */
    static EtcdConfig config(EtcdProcess etcd) {
        return new EtcdConfig(List.of(etcd.clientUrl()), Duration.ofSeconds(5), EtcdConfig.DEFAULT_WATCH_BUFFER);
    }
}
