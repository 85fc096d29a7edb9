package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Taint;

class NodeTaintsTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    static final String EARLIER = "2026-01-01T00:05:00Z";
    static final Taint USER = new Taint("NoSchedule", "dedicated", null, "gpu");
    static final Taint UNREACHABLE_NS = new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null);
    static final Taint UNREACHABLE_NE_EARLIER = new Taint("NoExecute", NodeTaints.UNREACHABLE, EARLIER, null);
    static final Taint UNREACHABLE_NE_NOW = new Taint("NoExecute", NodeTaints.UNREACHABLE, NOW.toString(), null);
    static final Taint NOT_READY_NS = new Taint("NoSchedule", NodeTaints.NOT_READY, null, null);
    static final Taint NOT_READY_NE_NOW = new Taint("NoExecute", NodeTaints.NOT_READY, NOW.toString(), null);

    /** {@code expected} null: no change. */
    record Case(String name, List<Taint> current, boolean unreachable, boolean notReady, boolean evict, List<Taint> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A healthy node gets no taint", List.of(), false, false, false, null),
                new Case("An unreachable edge node gets only the NoSchedule unreachable taint", List.of(USER), true, false, false,
                        List.of(USER, UNREACHABLE_NS)),
                new Case("An unreachable node that opted into eviction also gets NoExecute, stamped now", List.of(), true, false, true,
                        List.of(UNREACHABLE_NS, UNREACHABLE_NE_NOW)),
                new Case("A NoExecute taint keeps the time it was added", List.of(UNREACHABLE_NS, UNREACHABLE_NE_EARLIER), true, false, true,
                        null),
                new Case("A node whose lease is renewed loses the unreachable taints and keeps the user's",
                        List.of(UNREACHABLE_NS, USER, UNREACHABLE_NE_EARLIER), false, false, true, List.of(USER)),
                new Case("A node reporting Ready=False gets the not-ready taint", List.of(), false, true, false, List.of(NOT_READY_NS)),
                new Case("A node reporting Ready=False that opted into eviction also gets not-ready NoExecute", List.of(), false, true, true,
                        List.of(NOT_READY_NS, NOT_READY_NE_NOW)),
                new Case("A not-ready node going unreachable swaps the taint", List.of(NOT_READY_NS), true, false, false,
                        List.of(UNREACHABLE_NS)),
                new Case("Removing the eviction annotation removes the NoExecute taint only",
                        List.of(UNREACHABLE_NS, UNREACHABLE_NE_EARLIER), true, false, false, List.of(UNREACHABLE_NS)),
                new Case("A user's taint with the same key but another effect is not ours",
                        List.of(new Taint("PreferNoSchedule", NodeTaints.UNREACHABLE, null, null)), false, false, false, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reconciles(Case c) {
        var result = NodeTaints.reconcile(c.current(), c.unreachable(), c.notReady(), c.evict(), NOW);
        if (c.expected() == null) {
            assertThat(result).isEmpty();
        } else {
            assertThat(result).contains(c.expected());
        }
    }
}
