package io.outpost.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.outpost.testing.FakeClock;

class LivenessTest {

    final FakeClock clock = new FakeClock();
    final Liveness liveness = new Liveness(clock, Duration.ofSeconds(10), Duration.ofSeconds(40));

    @Test
    void aHeartbeatIsDueEveryInterval() {
        assertThat(liveness.action()).isEqualTo(Liveness.Action.WAIT);
        assertThat(liveness.untilNextAction()).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(liveness.action()).isEqualTo(Liveness.Action.SEND_HEARTBEAT);
        liveness.sent();
        liveness.heard();
        clock.advance(Duration.ofSeconds(9));
        assertThat(liveness.action()).isEqualTo(Liveness.Action.WAIT);
        assertThat(liveness.untilNextAction()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aConnectionSilentForTheTimeoutIsGivenUpEvenWhileHeartbeatsGoOut() {
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(liveness.action()).isEqualTo(Liveness.Action.SEND_HEARTBEAT);
            liveness.sent();
        }
        clock.advance(Duration.ofSeconds(9));
        assertThat(liveness.untilNextAction()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(liveness.action()).isEqualTo(Liveness.Action.RECONNECT);
    }

    @Test
    void hearingAnythingKeepsTheConnection() {
        clock.advance(Duration.ofSeconds(39));
        liveness.heard();
        liveness.sent();
        clock.advance(Duration.ofSeconds(5));
        assertThat(liveness.action()).isEqualTo(Liveness.Action.WAIT);
    }
}
