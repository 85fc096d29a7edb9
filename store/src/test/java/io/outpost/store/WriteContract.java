package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link KvStore#create}, {@link KvStore#update} and {@link KvStore#delete}, and the revisions they take. */
abstract class WriteContract extends ContractSection {

    WriteContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void aCreateStoresTheValueAtTheNextRevisionAsBothItsCreateAndModRevision() {
        long before = store.currentRevision();

        KeyValue created = store.create("/k", bytes("v"));

        assertThat(created).isEqualTo(new KeyValue("/k", bytes("v"), before + 1, before + 1));
        assertThat(store.get("/k")).contains(created);
        assertThat(store.currentRevision()).isEqualTo(before + 1);
    }

    @Test
    void anUpdateAtTheKeysRevisionReplacesTheValueAndKeepsTheCreateRevision() {
        KeyValue created = store.create("/k", bytes("v1"));

        KeyValue updated = store.update("/k", bytes("v2"), created.modRevision());

        assertThat(updated)
                .isEqualTo(new KeyValue("/k", bytes("v2"), created.createRevision(), created.modRevision() + 1));
        assertThat(store.get("/k")).contains(updated);
    }

    @Test
    void anUpdateToTheSameValueStillWritesANewRevision() {
        KeyValue created = store.create("/k", bytes("same"));

        KeyValue updated = store.update("/k", bytes("same"), created.modRevision());

        assertThat(updated.modRevision()).isEqualTo(created.modRevision() + 1);
        assertThat(store.currentRevision()).isEqualTo(updated.modRevision());
    }

    @Test
    void anUnconditionalDeleteRemovesTheKeyAtTheNextRevisionAndReturnsItsLastValue() {
        KeyValue created = store.create("/k", bytes("v1"));
        KeyValue updated = store.update("/k", bytes("v2"), created.modRevision());

        Deleted deleted = store.delete("/k");

        assertThat(deleted).isEqualTo(new Deleted(updated.modRevision() + 1, updated));
        assertThat(store.get("/k")).isEmpty();
        assertThat(store.currentRevision()).isEqualTo(deleted.revision());
    }

    @Test
    void aDeleteAtTheKeysRevisionRemovesTheKey() {
        KeyValue created = store.create("/k", bytes("v"));

        Deleted deleted = store.delete("/k", created.modRevision());

        assertThat(deleted).isEqualTo(new Deleted(created.modRevision() + 1, created));
        assertThat(store.get("/k")).isEmpty();
    }

    @Test
    void aKeyCreatedAgainAfterADeleteIsANewIncarnationWithItsOwnCreateRevision() {
        KeyValue first = store.create("/k", bytes("v1"));
        store.delete("/k");

        KeyValue again = store.create("/k", bytes("v2"));
        KeyValue updated = store.update("/k", bytes("v3"), again.modRevision());

        assertThat(again.createRevision()).isEqualTo(again.modRevision()).isGreaterThan(first.createRevision());
        assertThat(updated.createRevision()).isEqualTo(again.createRevision());
        assertThat(store.get("/k", first.modRevision())).contains(first);
    }

    @Test
    void everyWriteTakesTheNextRevisionWhateverItsKey() {
        long base = store.currentRevision();
        List<Long> revisions = new ArrayList<>();

        KeyValue a = store.create("/a", bytes("1"));
        revisions.add(a.modRevision());
        KeyValue b = store.create("/b", bytes("1"));
        revisions.add(b.modRevision());
        revisions.add(store.update("/a", bytes("2"), a.modRevision()).modRevision());
        revisions.add(store.delete("/b", b.modRevision()).revision());
        revisions.add(store.create("/b", bytes("3")).modRevision());
        revisions.add(store.create("/c/d", bytes("4")).modRevision());

        assertThat(revisions).containsExactly(base + 1, base + 2, base + 3, base + 4, base + 5, base + 6);
        assertThat(store.currentRevision()).isEqualTo(base + 6);
    }

    /** What {@code /k} is before the failing write. */
    enum Before { LIVE, DELETED, NEVER_WRITTEN }

    enum Verb { CREATE, UPDATE, DELETE }

    /** Which revision the failing write expects. */
    enum Expecting {
        /** the key's first version, since replaced. */
        STALE,
        /** the revision of the key's last live version. */
        LAST_LIVE,
        /** one past the store's current revision. */
        FUTURE,
        /** 0: "any revision" for a delete; no revision at all for an update. */
        ZERO
    }

    record Failure(String name, Before before, Verb verb, Expecting expecting, Class<? extends StoreException> fails) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Failure> failures() {
        return Stream.of(
                new Failure("A create of an existing key fails with AlreadyExists carrying the existing value",
                        Before.LIVE, Verb.CREATE, Expecting.ZERO, StoreException.AlreadyExists.class),
                new Failure("An update at a stale revision fails with Conflict carrying the current value",
                        Before.LIVE, Verb.UPDATE, Expecting.STALE, StoreException.Conflict.class),
                new Failure("An update at a future revision fails with Conflict carrying the current value",
                        Before.LIVE, Verb.UPDATE, Expecting.FUTURE, StoreException.Conflict.class),
                // KvStore#update: "if its current modRevision is expectedRevision"; only delete
                // documents 0 as "whatever its revision". No version has modRevision 0.
                new Failure("An update expecting revision 0 fails with Conflict: only a delete takes 0 as any revision",
                        Before.LIVE, Verb.UPDATE, Expecting.ZERO, StoreException.Conflict.class),
                new Failure("An update of a deleted key fails with NotFound",
                        Before.DELETED, Verb.UPDATE, Expecting.LAST_LIVE, StoreException.NotFound.class),
                new Failure("An update of a key never written fails with NotFound",
                        Before.NEVER_WRITTEN, Verb.UPDATE, Expecting.STALE, StoreException.NotFound.class),
                new Failure("A delete at a stale revision fails with Conflict carrying the current value",
                        Before.LIVE, Verb.DELETE, Expecting.STALE, StoreException.Conflict.class),
                new Failure("A delete at a future revision fails with Conflict carrying the current value",
                        Before.LIVE, Verb.DELETE, Expecting.FUTURE, StoreException.Conflict.class),
                new Failure("An unconditional delete of a deleted key fails with NotFound",
                        Before.DELETED, Verb.DELETE, Expecting.ZERO, StoreException.NotFound.class),
                new Failure("A delete of a deleted key at its last revision fails with NotFound",
                        Before.DELETED, Verb.DELETE, Expecting.LAST_LIVE, StoreException.NotFound.class),
                new Failure("An unconditional delete of a key never written fails with NotFound",
                        Before.NEVER_WRITTEN, Verb.DELETE, Expecting.ZERO, StoreException.NotFound.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aWriteWhosePreconditionFailsChangesNothingAndTakesNoRevision(Failure c) {
        String key = c.before() == Before.NEVER_WRITTEN ? "/other" : "/k";
        KeyValue first = store.create(key, bytes("v1"));
        KeyValue latest = store.update(key, bytes("v2"), first.modRevision());
        if (c.before() == Before.DELETED) {
            store.delete("/k");
        }
        long before = store.currentRevision();
        long expected = switch (c.expecting()) {
            case STALE -> first.modRevision();
            case LAST_LIVE -> latest.modRevision();
            case FUTURE -> before + 1;
            case ZERO -> 0;
        };

        StoreException e = thrown(StoreException.class, () -> {
            switch (c.verb()) {
                case CREATE -> store.create("/k", bytes("new"));
                case UPDATE -> store.update("/k", bytes("new"), expected);
                case DELETE -> store.delete("/k", expected);
            }
        });

        assertThat(e).isExactlyInstanceOf(c.fails());
        switch (e) {
            case StoreException.AlreadyExists a -> assertThat(a.existing()).isEqualTo(latest);
            case StoreException.Conflict conflict -> {
                assertThat(conflict.key()).isEqualTo("/k");
                assertThat(conflict.expectedRevision()).isEqualTo(expected);
                assertThat(conflict.current()).isEqualTo(latest);
            }
            case StoreException.NotFound notFound -> assertThat(notFound.key()).isEqualTo("/k");
            default -> throw new AssertionError("unexpected " + e, e);
        }
        assertThat(store.currentRevision()).as("a failed write takes no revision").isEqualTo(before);
        assertThat(store.get("/k")).isEqualTo(c.before() == Before.LIVE ? Optional.of(latest) : Optional.empty());
        assertThat(store.create("/next", bytes("x")).modRevision()).isEqualTo(before + 1);
    }
}
