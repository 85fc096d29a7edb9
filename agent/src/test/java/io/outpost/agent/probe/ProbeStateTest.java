package io.outpost.agent.probe;

import static io.outpost.agent.probe.ProbeResult.FAILURE;
import static io.outpost.agent.probe.ProbeResult.SUCCESS;
import static io.outpost.agent.probe.ProbeResult.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProbeStateTest {

    record Case(String name, ProbeKind kind, int success, int failure, List<ProbeResult> observed, ProbeResult expected, boolean onHold) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case[] cases() {
        return new Case[] {
            new Case("readiness starts failed", ProbeKind.READINESS, 1, 3, List.of(), FAILURE, false),
            new Case("liveness starts healthy", ProbeKind.LIVENESS, 1, 3, List.of(), SUCCESS, false),
            new Case("startup starts unknown", ProbeKind.STARTUP, 1, 3, List.of(), UNKNOWN, false),
            new Case("one success makes a container ready", ProbeKind.READINESS, 1, 3, List.of(SUCCESS), SUCCESS, false),
            new Case("readiness needs successThreshold successes in a row", ProbeKind.READINESS, 2, 3,
                    List.of(SUCCESS, FAILURE, SUCCESS), FAILURE, false),
            new Case("two successes in a row meet a threshold of two", ProbeKind.READINESS, 2, 3,
                    List.of(SUCCESS, SUCCESS), SUCCESS, false),
            new Case("liveness survives failures under the threshold", ProbeKind.LIVENESS, 1, 3,
                    List.of(FAILURE, FAILURE, SUCCESS, FAILURE, FAILURE), SUCCESS, false),
            new Case("liveness fails at the threshold and holds", ProbeKind.LIVENESS, 1, 3,
                    List.of(FAILURE, FAILURE, FAILURE), FAILURE, true),
            new Case("a held liveness probe ignores later successes", ProbeKind.LIVENESS, 1, 1,
                    List.of(FAILURE, SUCCESS, SUCCESS), FAILURE, true),
            new Case("readiness fails at the threshold without holding", ProbeKind.READINESS, 1, 2,
                    List.of(SUCCESS, FAILURE, FAILURE, SUCCESS), SUCCESS, false),
            new Case("startup succeeds on its first success", ProbeKind.STARTUP, 1, 30, List.of(FAILURE, FAILURE, SUCCESS), SUCCESS, false),
            new Case("startup fails at its threshold and holds", ProbeKind.STARTUP, 1, 2, List.of(FAILURE, FAILURE), FAILURE, true),
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void counts(Case c) {
        ProbeState state = new ProbeState(c.kind(), c.success(), c.failure());
        c.observed().forEach(state::observe);
        assertThat(state.current()).isEqualTo(c.expected());
        assertThat(state.onHold()).isEqualTo(c.onHold());
    }
}
