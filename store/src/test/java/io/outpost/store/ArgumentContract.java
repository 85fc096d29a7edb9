package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid arguments fail with {@link IllegalArgumentException} (not a {@link StoreException}, and
 * never a write): an empty key, a key with NUL, a negative limit, revision or ttl, an empty prefix.
 */
abstract class ArgumentContract extends ContractSection {

    ArgumentContract(KvStoreContract backend) {
        super(backend);
    }

    /** {@code call} is made on a store holding {@code /k} (at some revision) and nothing else. */
    record Invalid(String name, Consumer<KvStore> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalidCalls() {
        byte[] v = {1};
        Duration negative = Duration.ofSeconds(-1);
        return Stream.of(
                new Invalid("A get of an empty key", s -> s.get("")),
                new Invalid("A get of a key with NUL", s -> s.get("/k\0")),
                new Invalid("A get at a negative revision", s -> s.get("/k", -1)),
                new Invalid("A create of an empty key", s -> s.create("", v)),
                new Invalid("A create of a key with NUL", s -> s.create("/a\0b", v)),
                new Invalid("A create with a negative ttl", s -> s.create("/new", v, negative)),
                new Invalid("An update of an empty key", s -> s.update("", v, 1)),
                new Invalid("An update of a key with NUL", s -> s.update("/k\0", v, 1)),
                new Invalid("An update expecting a negative revision", s -> s.update("/k", v, -1)),
                new Invalid("An update with a negative ttl", s -> s.update("/k", v, currentOf(s, "/k"), negative)),
                new Invalid("A delete of an empty key", s -> s.delete("")),
                new Invalid("A delete of a key with NUL", s -> s.delete("/k\0")),
                new Invalid("A delete expecting a negative revision", s -> s.delete("/k", -1)),
                new Invalid("A range with a negative limit", s -> s.range(new RangeRequest("/", null, -1, 0))),
                new Invalid("A range at a negative revision", s -> s.range(new RangeRequest("/", null, 0, -1))),
                new Invalid("A range of an empty prefix", s -> s.range(new RangeRequest("", null, 0, 0))),
                new Invalid("A range whose start key is outside its prefix",
                        s -> s.range(new RangeRequest("/b/", "/a", 0, 0))),
                new Invalid("A count of an empty prefix", s -> s.count("")),
                new Invalid("A watch of an empty prefix", s -> s.watch("", 0).close()),
                new Invalid("A watch from a negative revision", s -> s.watch("/", -1).close()),
                new Invalid("A compaction to a future revision", s -> s.compact(s.currentRevision() + 1)));
    }

    private static long currentOf(KvStore s, String key) {
        return s.get(key).orElseThrow().modRevision();
    }

    @ParameterizedTest(name = "{0} fails with IllegalArgumentException and changes nothing")
    @MethodSource("invalidCalls")
    void anInvalidArgumentFailsWithIllegalArgumentExceptionAndChangesNothing(Invalid c) {
        KeyValue k = store.create("/k", bytes("v"));
        long before = store.currentRevision();

        assertThatIllegalArgumentException().isThrownBy(() -> c.call().accept(store));

        assertThat(store.currentRevision()).isEqualTo(before);
        assertThat(store.get("/k")).contains(k);
        assertThat(store.count("/")).isOne();
    }
}
