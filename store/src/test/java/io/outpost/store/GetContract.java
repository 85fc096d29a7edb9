package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link KvStore#get(String)} and {@link KvStore#get(String, long)}. */
abstract class GetContract extends ContractSection {

    GetContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void aGetReturnsTheVersionTheLastWriteReturned() {
        KeyValue created = store.create("/k", bytes("v1"));
        KeyValue updated = store.update("/k", bytes("v2"), created.modRevision());

        assertThat(store.get("/k")).contains(updated);
    }

    @Test
    void aKeyThatWasNeverWrittenIsAbsent() {
        store.create("/k", bytes("v"));

        assertThat(store.get("/other")).isEmpty();
        assertThat(store.get("/k/child")).as("a key under an existing key").isEmpty();
        assertThat(store.get("/")).as("a prefix of an existing key").isEmpty();
    }

    @Test
    void aReadAtAFutureRevisionFailsWithIllegalArgumentException() {
        long future = store.create("/k", bytes("v")).modRevision() + 1;

        assertThatIllegalArgumentException().isThrownBy(() -> store.get("/k", future));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.range(RangeRequest.all("/").atRevision(future)));
    }

    @Test
    void aDeletedKeyIsAbsent() {
        store.create("/k", bytes("v"));
        store.delete("/k");

        assertThat(store.get("/k")).isEmpty();
    }

    /**
     * The history every case reads: each write's index in this list is what a case's
     * {@code atWrite} and {@code createdAtWrite} refer to.
     */
    private List<Long> writeHistory() {
        List<Long> revisions = new ArrayList<>();
        revisions.add(store.create("/other", bytes("x")).modRevision());               // 0
        KeyValue v1 = store.create("/k", bytes("v1"));                                 // 1
        revisions.add(v1.modRevision());
        KeyValue v2 = store.update("/k", bytes("v2"), v1.modRevision());               // 2
        revisions.add(v2.modRevision());
        revisions.add(store.create("/other2", bytes("y")).modRevision());              // 3
        revisions.add(store.delete("/k", v2.modRevision()).revision());                // 4
        revisions.add(store.create("/k", bytes("v3")).modRevision());                  // 5
        revisions.add(store.update("/other", bytes("z"), revisions.getFirst()).modRevision()); // 6
        return revisions;
    }

    /** @param value null if the key is absent at that revision */
    record AtRevision(String name, int atWrite, String value, int createdAtWrite, int modifiedAtWrite) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<AtRevision> readsAtRevisions() {
        return Stream.of(
                new AtRevision("A read at a revision before the key was created finds no key", 0, null, -1, -1),
                new AtRevision("A read at the create's revision sees the first value", 1, "v1", 1, 1),
                new AtRevision("A read at the update's revision sees the second value", 2, "v2", 1, 2),
                new AtRevision("A read at a revision that wrote another key sees the value before it", 3, "v2", 1, 2),
                new AtRevision("A read at the delete's revision finds no key", 4, null, -1, -1),
                new AtRevision("A read at the re-create's revision sees the new incarnation", 5, "v3", 5, 5),
                new AtRevision("A read at the latest revision sees the latest value", 6, "v3", 5, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readsAtRevisions")
    void aReadAtARevisionSeesTheValueTheKeyHadThen(AtRevision c) {
        List<Long> revisions = writeHistory();

        var read = store.get("/k", revisions.get(c.atWrite()));

        if (c.value() == null) {
            assertThat(read).isEmpty();
        } else {
            assertThat(read).contains(new KeyValue("/k", bytes(c.value()),
                    revisions.get(c.createdAtWrite()), revisions.get(c.modifiedAtWrite())));
        }
    }
}
