package io.outpost.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.outpost.testing.FakeClock;

class ExpectationsTest {

    private final FakeClock clock = new FakeClock();
    private final Expectations expectations = new Expectations(clock);

    @Test
    void aControllerWithNoExpectationsIsSatisfied() {
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void creationsMustAllBeObservedBeforeTheControllerActsAgain() {
        expectations.expectCreations("ns/rs", 3);
        expectations.creationObserved("ns/rs");
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void aDeletionSeenTwiceIsCountedOnce() {
        expectations.expectDeletions("ns/rs", List.of("ns/p1", "ns/p2"));
        expectations.deletionObserved("ns/rs", "ns/p1");
        expectations.deletionObserved("ns/rs", "ns/p1");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.deletionObserved("ns/rs", "ns/p2");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void anUnmetExpectationExpiresAfterFiveMinutes() {
        expectations.expectCreations("ns/rs", 1);
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }
}
