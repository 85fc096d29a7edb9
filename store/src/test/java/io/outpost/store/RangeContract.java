package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link KvStore#range} and {@link KvStore#count}: prefixes, pages and snapshots. */
abstract class RangeContract extends ContractSection {

    /**
     * Neighbours that a sloppy prefix match leaks: {@code /a/b0} is the prefix end of {@code /a/b/}
     * ('0' follows '/'), {@code /a/bc} shares the string {@code /a/b}.
     */
    static final List<String> NEIGHBOURS =
            List.of("/a/a", "/a/b", "/a/b/", "/a/b/x", "/a/b/y/z", "/a/b0", "/a/bc", "/a/c", "/b");

    RangeContract(KvStoreContract backend) {
        super(backend);
    }

    record Prefix(String name, String prefix, List<String> keys) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Prefix> prefixes() {
        return Stream.of(
                new Prefix("A prefix ending in / holds only the keys under it, not /a/bc nor /a/b0 nor /a/b",
                        "/a/b/", List.of("/a/b/", "/a/b/x", "/a/b/y/z")),
                new Prefix("A prefix is a string prefix: /a/b holds /a/b, /a/bc and /a/b0 too",
                        "/a/b", List.of("/a/b", "/a/b/", "/a/b/x", "/a/b/y/z", "/a/b0", "/a/bc")),
                new Prefix("A prefix holding every key but one returns them in key order",
                        "/a/", List.of("/a/a", "/a/b", "/a/b/", "/a/b/x", "/a/b/y/z", "/a/b0", "/a/bc", "/a/c")),
                new Prefix("A prefix equal to a whole key holds that key",
                        "/a/b/x", List.of("/a/b/x")),
                new Prefix("A prefix that no key starts with holds nothing",
                        "/a/d", List.of()));
    }

    private void writeNeighbours() {
        // Written out of key order, so that a backend returning insertion order fails.
        NEIGHBOURS.reversed().forEach(key -> store.create(key, bytes("value of " + key)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prefixes")
    void aRangeReturnsExactlyTheKeysUnderItsPrefixInKeyOrder(Prefix c) {
        writeNeighbours();

        RangeResult result = store.range(RangeRequest.all(c.prefix()));

        assertThat(result.kvs()).extracting(KeyValue::key).containsExactlyElementsOf(c.keys());
        assertThat(result.kvs()).allSatisfy(kv -> assertThat(store.get(kv.key())).contains(kv));
        assertThat(result.more()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prefixes")
    void aCountCountsExactlyTheKeysUnderItsPrefix(Prefix c) {
        writeNeighbours();

        assertThat(store.count(c.prefix())).isEqualTo(c.keys().size());
    }

    @Test
    void deletedKeysAreLeftOutOfRangesAndCounts() {
        store.create("/r/a", bytes("a"));
        store.create("/r/b", bytes("b"));
        store.create("/r/c", bytes("c"));
        store.delete("/r/b");

        assertThat(store.range(RangeRequest.all("/r/")).kvs()).extracting(KeyValue::key)
                .containsExactly("/r/a", "/r/c");
        assertThat(store.count("/r/")).isEqualTo(2);
    }

    @Test
    void aRangeOfTheLatestStateIsServedAtTheCurrentRevision() {
        store.create("/r/a", bytes("a"));
        long last = store.create("/elsewhere", bytes("b")).modRevision();

        assertThat(store.range(RangeRequest.all("/r/")).revision()).isEqualTo(last);
    }

    private List<String> fiveKeys() {
        List<String> keys = List.of("/r/a", "/r/b", "/r/c", "/r/d", "/r/e");
        keys.reversed().forEach(k -> store.create(k, bytes(k)));
        return keys;
    }

    record Limit(String name, int limit, int returned, boolean more) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Limit> limits() {
        return Stream.of(
                new Limit("A limit of 0 returns every key and no more", 0, 5, false),
                new Limit("A limit of 1 returns the first key and says there are more", 1, 1, true),
                new Limit("A limit below the count returns that many and says there are more", 2, 2, true),
                new Limit("A limit equal to the count returns every key and says there are no more", 5, 5, false),
                new Limit("A limit above the count returns every key and says there are no more", 7, 5, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void aLimitBoundsThePage(Limit c) {
        List<String> keys = fiveKeys();

        RangeResult page = store.range(RangeRequest.all("/r/").withLimit(c.limit()));

        assertThat(page.kvs()).extracting(KeyValue::key).containsExactlyElementsOf(keys.subList(0, c.returned()));
        assertThat(page.more()).isEqualTo(c.more());
    }

    @Test
    void aPageFollowedOnlyByDeletedKeysSaysThereAreNoMore() {
        store.create("/r/a", bytes("a"));
        store.create("/r/b", bytes("b"));
        store.create("/r/c", bytes("c"));
        store.delete("/r/c");

        RangeResult page = store.range(RangeRequest.all("/r/").withLimit(2));

        assertThat(page.kvs()).extracting(KeyValue::key).containsExactly("/r/a", "/r/b");
        assertThat(page.more()).isFalse();
    }

    @Test
    void aStartKeyIsIncludedAndKeysBeforeItAreNot() {
        fiveKeys();

        RangeResult page = store.range(RangeRequest.all("/r/").startingAt("/r/c"));

        assertThat(page.kvs()).extracting(KeyValue::key).containsExactly("/r/c", "/r/d", "/r/e");
    }

    @Test
    void pagingWithNextStartKeyVisitsEveryKeyOnceInOrder() {
        fiveKeys();
        // A key that extends the last key of a page: nextStartKey must not skip it.
        store.create("/r/b/", bytes("child"));

        List<String> seen = new ArrayList<>();
        RangeRequest request = RangeRequest.all("/r/").withLimit(2);
        RangeResult page = store.range(request);
        seen.addAll(page.kvs().stream().map(KeyValue::key).toList());
        while (page.more()) {
            page = store.range(request.startingAt(page.nextStartKey()).atRevision(page.revision()));
            seen.addAll(page.kvs().stream().map(KeyValue::key).toList());
        }

        assertThat(seen).containsExactly("/r/a", "/r/b", "/r/b/", "/r/c", "/r/d", "/r/e");
    }

    @Test
    void pagingAtTheFirstPagesRevisionSeesOneSnapshotWhateverIsWrittenMeanwhile() {
        fiveKeys();
        RangeResult first = store.range(RangeRequest.all("/r/").withLimit(2));
        List<KeyValue> snapshot = store.range(RangeRequest.all("/r/")).kvs();

        // Writes after the first page, to keys on the pages still to come and a new key among them.
        KeyValue c = store.get("/r/c").orElseThrow();
        store.update("/r/c", bytes("changed"), c.modRevision());
        store.delete("/r/d");
        store.create("/r/cc", bytes("new"));
        store.delete("/r/a");

        List<KeyValue> paged = new ArrayList<>(first.kvs());
        RangeResult page = first;
        while (page.more()) {
            page = store.range(RangeRequest.all("/r/").withLimit(2).startingAt(page.nextStartKey())
                    .atRevision(first.revision()));
            assertThat(page.revision()).isEqualTo(first.revision());
            paged.addAll(page.kvs());
        }

        assertThat(paged).containsExactlyElementsOf(snapshot);
    }

    @Test
    void aRangeAtAnOldRevisionSeesTheKeysAsTheyWereThen() {
        KeyValue a = store.create("/r/a", bytes("a1"));
        KeyValue b = store.create("/r/b", bytes("b1"));
        long then = store.currentRevision();
        store.update("/r/a", bytes("a2"), a.modRevision());
        store.delete("/r/b");
        store.create("/r/c", bytes("c1"));

        RangeResult old = store.range(RangeRequest.all("/r/").atRevision(then));

        assertThat(old.kvs()).containsExactly(a, b);
        assertThat(old.revision()).isEqualTo(then);
        assertThat(old.more()).isFalse();
    }
}
