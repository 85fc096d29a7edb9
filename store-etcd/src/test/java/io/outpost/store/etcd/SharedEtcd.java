package io.outpost.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

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

    /** A config for tests: a short request timeout, so a failure shows in seconds. */
    static EtcdConfig config(EtcdProcess etcd) {
        return new EtcdConfig(List.of(etcd.clientUrl()), Duration.ofSeconds(5), EtcdConfig.DEFAULT_WATCH_BUFFER);
    }
}
