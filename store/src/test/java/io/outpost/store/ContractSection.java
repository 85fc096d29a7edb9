package io.outpost.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every section of {@link KvStoreContract} shares: a fresh store per test from the
 * backend's hook, closed afterwards, and helpers to read watches without sleeping.
 */
abstract class ContractSection {

    /**
     * How long a poll may wait for an event the test knows is coming. Only a guard that fails a
     * test whose event never arrives; a passing test never waits for it.
     */
    static final Duration GUARD = Duration.ofSeconds(5);

    final KvStoreContract backend;
    private final List<KvStore> opened = new ArrayList<>();
    /** The store under test, fresh and empty for each test. */
    KvStore store;

    ContractSection(KvStoreContract backend) {
        this.backend = backend;
    }

    @BeforeEach
    final void openStore() {
        store = track(backend.newStore());
    }

    @AfterEach
    final void closeStores() {
        opened.forEach(KvStore::close);
        opened.clear();
    }

    /** Adds {@code s} to the stores closed after the test. */
    final <S extends KvStore> S track(S s) {
        opened.add(s);
        return s;
    }

    /** Closes {@code s} now (the test is about closing), and not again after the test. */
    final void closeNow(KvStore s) {
        opened.remove(s);
        s.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    /**
     * Polls {@code watch} until it has delivered an event at or past {@code revision}; returns
     * every event it delivered, in order. Fails if a poll brings nothing within {@link #GUARD}.
     */
    static List<Event> pollThrough(Watch watch, long revision) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        while (seen.isEmpty() || seen.getLast().revision() < revision) {
            List<Event> batch = watch.poll(GUARD);
            assertThat(batch).as("events through revision %d within %s (seen so far: %s)", revision, GUARD, seen)
                    .isNotEmpty();
            seen.addAll(batch);
        }
        return seen;
    }

    /** The exception {@code call} throws, which must be a {@code type}. */
    static <E extends Throwable> E thrown(Class<E> type, ThrowingCallable call) {
        E e = catchThrowableOfType(type, call);
        assertThat(e).as("expected %s to be thrown", type.getSimpleName()).isNotNull();
        return e;
    }
}
