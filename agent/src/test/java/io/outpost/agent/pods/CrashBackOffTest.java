package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.Test;

class CrashBackOffTest {

    private final FakeClock clock = new FakeClock();
    private final CrashBackOff backOff = new CrashBackOff(BackOffPolicy.KUBELET, clock);
    private final String key = CrashBackOff.key("uid", "main");

    /** Crashes at once after each restart: the delays are 10 s, 20 s, 40 s, ... up to 5 min. */
    @Test
    void theDelayDoublesFromTenSecondsToFiveMinutes() {
        assertThat(backOff.inBackOffSince(key, clock.instant())).as("the first crash restarts at once").isFalse();
        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (long seconds : expected) {
            Instant crashed = clock.instant();
            backOff.next(key, crashed);
            assertThat(backOff.delay(key)).isEqualTo(Duration.ofSeconds(seconds));
            // the restarted container crashes at once
            Instant again = clock.instant();
            assertThat(backOff.inBackOffSince(key, again)).isTrue();
            clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertThat(backOff.inBackOffSince(key, again)).isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(backOff.inBackOffSince(key, again)).isFalse();
        }
    }

    @Test
    void aContainerThatRanForTenMinutesStartsOverAtTenSeconds() {
        backOff.next(key, clock.instant());
        backOff.next(key, clock.instant());
        assertThat(backOff.delay(key)).isEqualTo(Duration.ofSeconds(20));
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        Instant crashedLate = clock.instant();
        assertThat(backOff.inBackOffSince(key, crashedLate)).isFalse();
        backOff.next(key, crashedLate);
        assertThat(backOff.delay(key)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void forgettingAPodForgetsOnlyItsContainers() {
        String other = CrashBackOff.key("uid2", "main");
        backOff.next(key, clock.instant());
        backOff.next(other, clock.instant());
        backOff.forgetPod("uid");
        assertThat(backOff.delay(key)).isZero();
        assertThat(backOff.delay(other)).isEqualTo(Duration.ofSeconds(10));
    }

    /** The image puller's use: the back-off runs from the failed pull, 10 s, then 20 s after the next one. */
    @Test
    void aFailedPullWaitsOutItsDelayCountedFromThePull() {
        String pull = "uid_registry.invalid/app:1";
        assertThat(backOff.inBackOffSinceUpdate(pull)).as("no pull failed yet").isFalse();
        backOff.next(pull, clock.instant());
        assertThat(backOff.inBackOffSinceUpdate(pull)).isTrue();
        clock.advance(Duration.ofSeconds(10).minusMillis(1));
        assertThat(backOff.inBackOffSinceUpdate(pull)).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(backOff.inBackOffSinceUpdate(pull)).as("10 s after the first failure").isFalse();
        backOff.next(pull, clock.instant());
        clock.advance(Duration.ofSeconds(19));
        assertThat(backOff.inBackOffSinceUpdate(pull)).as("the second failure waits 20 s").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(backOff.inBackOffSinceUpdate(pull)).isFalse();
    }
}
