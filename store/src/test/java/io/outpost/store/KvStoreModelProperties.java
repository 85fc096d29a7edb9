package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of operations over a few neighbouring keys (creates, updates and deletes at
 * the right and at wrong revisions, reads at past revisions, paged ranges, compactions) give the
 * same answers, failures included, as {@link StoreModel}; and a watch opened before them sees
 * exactly the model's events. Each example runs on a fresh store from
 * {@link KvStoreContract#newStore()}; {@link KvStoreContract#propertyExamples()} sets how many.
 */
abstract class KvStoreModelProperties extends ContractSection {

    static final int MAX_OPERATIONS = 30;
    /** Neighbours under the watched prefix, and one outside it. */
    static final List<String> KEYS = List.of("/m/a", "/m/a/x", "/m/ab", "/m/b", "/n/a");
    static final List<String> PREFIXES = List.of("/m/", "/m/a", "/m/a/", "/n/", "/");
    static final String WATCHED = "/m/";

    KvStoreModelProperties(KvStoreContract backend) {
        super(backend);
    }

    /** Which revision a conditional write expects. */
    enum Expect { CURRENT, STALE, ANY }

    /** An operation; revisions are drawn as a percentage of the history written so far. */
    sealed interface Op {
    }

    record Create(String key, int value) implements Op {
    }

    record Update(String key, int value, boolean stale) implements Op {
    }

    record Delete(String key, Expect expect) implements Op {
    }

    record Get(String key) implements Op {
    }

    record GetAt(String key, int percent) implements Op {
    }

    /** {@code percent} -1 reads the latest state; pages through every page. */
    record Range(String prefix, int limit, int percent) implements Op {
    }

    record Count(String prefix) implements Op {
    }

    /** {@code percent} above 100 is a revision not written yet. */
    record Compact(int percent) implements Op {
    }

    static Gen<List<Op>> operations() {
        Gen<String> key = Generate.pick(KEYS);
        Gen<String> prefix = Generate.pick(PREFIXES);
        Gen<Integer> value = Generate.range(0, 3);
        Gen<Integer> percent = Generate.range(0, 100);
        List<Pair<Integer, Gen<Op>>> ops = List.of(
                Pair.of(5, key.zip(value, (k, v) -> new Create(k, v))),
                Pair.of(5, key.zip(value, Generate.booleans(), (k, v, s) -> new Update(k, v, s))),
                Pair.of(3, key.zip(Generate.enumValues(Expect.class), (k, e) -> new Delete(k, e))),
                Pair.of(2, key.map(k -> new Get(k))),
                Pair.of(2, key.zip(percent, (k, p) -> new GetAt(k, p))),
                Pair.of(2, prefix.zip(Generate.range(0, 3), Generate.range(-1, 100), (p, l, r) -> new Range(p, l, r))),
                Pair.of(1, prefix.map(p -> new Count(p))),
                Pair.of(1, Generate.range(0, 110).map(p -> new Compact(p))));
        return SourceDSL.lists().of(Generate.frequency(ops)).ofSizeBetween(1, MAX_OPERATIONS);
    }

    @Test
    void randomOperationsAnswerAsTheModelDoesAndAWatchSeesTheModelsEvents() {
        qt().withExamples(backend.propertyExamples()).forAll(operations()).checkAssert(this::check);
    }

    private void check(List<Op> ops) {
        try (KvStore s = backend.newStore(); Watch watch = s.watch(WATCHED, 0)) {
            StoreModel model = new StoreModel(s.currentRevision(), s.compactRevision());
            long base = model.currentRevision();
            // The oldest revision to read at: the empty store's (0 would mean "the latest").
            long lowest = Math.max(1, base);
            for (int i = 0; i < ops.size(); i++) {
                Function<KvStore, Object> call = resolve(ops.get(i), model, lowest, base);
                Object expected = outcome(call, model);
                Object actual = outcome(call, s);
                assertThat(actual).as("operation %d, %s", i, ops.get(i)).isEqualTo(expected);
                assertThat(s.currentRevision()).as("revision after operation %d, %s", i, ops.get(i))
                        .isEqualTo(model.currentRevision());
            }
            assertThat(s.range(RangeRequest.all("/"))).isEqualTo(model.range(RangeRequest.all("/")));
            assertThat(s.compactRevision()).isEqualTo(model.compactRevision());

            long end = s.create(WATCHED + "~end", new byte[0]).modRevision();
            model.create(WATCHED + "~end", new byte[0]);
            assertThat(pollThrough(watch, end)).as("the events of the watch opened first")
                    .containsExactlyElementsOf(model.eventsAfter(WATCHED, base));
            // Replays from the oldest revision still readable (from 0 would mean "from now on").
            long replayFrom = Math.max(lowest, model.compactRevision());
            if (replayFrom < end) {
                try (Watch replay = s.watch(WATCHED, replayFrom)) {
                    assertThat(pollThrough(replay, end)).as("the events replayed after revision %d", replayFrom)
                            .containsExactlyElementsOf(model.eventsAfter(WATCHED, replayFrom));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The call {@code op} makes, its revisions chosen from the model's state. */
    private static Function<KvStore, Object> resolve(Op op, StoreModel model, long lowest, long base) {
        long current = model.currentRevision();
        return switch (op) {
            case Create c -> s -> s.create(c.key(), value(c.value()));
            case Update u -> {
                long expected = model.get(u.key()).map(KeyValue::modRevision).orElse(Math.max(1, current));
                long asked = u.stale() ? expected + 1 : expected;
                yield s -> s.update(u.key(), value(u.value()), asked);
            }
            case Delete d -> {
                long expected = model.get(d.key()).map(KeyValue::modRevision).orElse(Math.max(1, current));
                long asked = switch (d.expect()) {
                    case CURRENT -> expected;
                    case STALE -> expected + 1;
                    case ANY -> 0;
                };
                yield s -> s.delete(d.key(), asked);
            }
            case Get g -> s -> s.get(g.key());
            case GetAt g -> {
                long at = pick(g.percent(), lowest, current);
                // A read at a revision not written yet is outside the contract: read the latest.
                yield at > current ? s -> s.get(g.key()) : s -> s.get(g.key(), at);
            }
            case Range r -> {
                long at = r.percent() < 0 ? 0 : pick(r.percent(), lowest, current);
                RangeRequest request = new RangeRequest(r.prefix(), null, r.limit(), at > current ? 0 : at);
                yield s -> pages(s, request);
            }
            case Count c -> s -> s.count(c.prefix());
            case Compact c -> {
                // Only to revisions this example wrote: on a server shared between stores (etcd)
                // another store may have compacted to the base already.
                long target = c.percent() > 100 ? current + 1 : pick(c.percent(), base + 1, current);
                yield s -> {
                    s.compact(target);
                    return s.compactRevision();
                };
            }
        };
    }

    /** The revision {@code percent} of the way from {@code lowest} to {@code current}. */
    private static long pick(int percent, long lowest, long current) {
        return current < lowest ? lowest : lowest + (current - lowest) * percent / 100;
    }

    private static byte[] value(int n) {
        return n == 0 ? new byte[0] : bytes("v" + n);
    }

    /** Every page of {@code first}, following nextStartKey at the first page's revision. */
    private static List<RangeResult> pages(KvStore s, RangeRequest first) {
        List<RangeResult> pages = new ArrayList<>();
        RangeResult page = s.range(first);
        pages.add(page);
        while (page.more()) {
            page = s.range(first.startingAt(page.nextStartKey()).atRevision(page.revision()));
            pages.add(page);
        }
        return pages;
    }

    /** What a call returned, or a comparable description of the failure it reported. */
    private static Object outcome(Function<KvStore, Object> call, KvStore target) {
        try {
            return call.apply(target);
        } catch (StoreException.AlreadyExists e) {
            return List.of("AlreadyExists", e.existing());
        } catch (StoreException.Conflict e) {
            return Arrays.asList("Conflict", e.key(), e.expectedRevision(), e.current());
        } catch (StoreException.NotFound e) {
            return List.of("NotFound", e.key());
        } catch (StoreException.Compacted e) {
            return List.of("Compacted", e.requestedRevision(), e.compactRevision());
        } catch (IllegalArgumentException e) {
            return List.of("IllegalArgumentException");
        }
    }
}
