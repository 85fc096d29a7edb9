package io.outpost.apiserver.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** metav1.Duration is written as Go's time.Duration.String(); the expectations are Go's outputs. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} ns is {1}")
    @CsvSource({
            "0, 0s",
            "1, 1ns",
            "1500, 1.5µs",
            "300000000, 300ms",
            "1000000000, 1s",
            "1500000000, 1.5s",
            "90000000000, 1m30s",
            "3600000000000, 1h0m0s",
            "-5000000000, -5s",
            "86400000000001, 24h0m0.000000001s",
    })
    void formatsLikeGo(long nanos, String expected) {
        assertThat(GoDuration.format(nanos)).isEqualTo(expected);
    }
}
