package io.outpost.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.testing.FakeClock;

class RateLimiterTest {

    record Case(String name, int failures, Duration expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> exponential() {
        return Stream.of(
                new Case("the first failure waits the base delay", 1, Duration.ofMillis(5)),
                new Case("the second failure waits twice as long", 2, Duration.ofMillis(10)),
                new Case("the eighteenth failure waits 5 ms * 2^17", 18, Duration.ofNanos(5_000_000L << 17)),
                new Case("the back-off stops at its maximum of 1000 s", 30, Duration.ofSeconds(1000)),
                new Case("a huge failure count does not overflow", 500, Duration.ofSeconds(1000)));
    }

    @ParameterizedTest
    @MethodSource("exponential")
    void itemExponentialBackOff(Case c) {
        var limiter = new ItemExponentialFailureRateLimiter<String>(Duration.ofMillis(5), Duration.ofSeconds(1000));
        Duration last = null;
        for (int i = 0; i < c.failures(); i++) {
            last = limiter.when("a");
        }
        assertThat(last).isEqualTo(c.expected());
        assertThat(limiter.when("b")).as("items back off independently").isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void theBucketLetsABurstThroughThenSpacesItemsAtItsRate() {
        FakeClock clock = new FakeClock();
        var bucket = new BucketRateLimiter<String>(clock, 10, 100);
        List<Duration> burst = IntStream.range(0, 100).mapToObj(i -> bucket.when("item" + i)).toList();
        assertThat(burst).allMatch(Duration::isZero);
        assertThat(bucket.when("x")).isEqualTo(Duration.ofMillis(100));
        assertThat(bucket.when("y")).isEqualTo(Duration.ofMillis(200));
        clock.advance(Duration.ofSeconds(1));
        assertThat(bucket.when("z")).as("10 tokens refilled, 2 were owed").isEqualTo(Duration.ZERO);
    }

    @Test
    void theControllerDefaultTakesTheLongerOfTheItemBackOffAndTheBucket() {
        FakeClock clock = new FakeClock();
        RateLimiter<String> limiter = RateLimiter.controllerDefault(clock);
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        for (int i = 0; i < 98; i++) {
            limiter.when("other" + i);
        }
        assertThat(limiter.when("b")).as("bucket empty after 100").isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("c")).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.numRequeues("a")).isEqualTo(1);
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
    }
}
