package io.outpost.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BandwidthReportTest {

    /** Estimates in kbit/s (-1: none) as the metadata loop reads them, and what is reported after the last. */
    record Case(String name, List<Long> estimates, long reported) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("nothing is reported before the first estimate", List.of(-1L, -1L), -1),
                new Case("the first estimate is reported at once", List.of(-1L, 2_000L), 2_000),
                new Case("changes within 20% are not reported", List.of(2_000L, 2_300L, 1_700L, 2_399L, 1_601L), 2_000),
                new Case("a change of more than 20% is", List.of(2_000L, 2_401L), 2_401),
                new Case("so is a fall of more than 20%", List.of(2_000L, 1_599L), 1_599),
                new Case("a slow drift is reported once it has moved 20% from the reported value",
                        List.of(2_000L, 2_200L, 2_350L, 2_450L, 2_600L), 2_450),
                new Case("a lost estimate keeps the last value", List.of(2_000L, -1L), 2_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsChangesOfMoreThanAFifth(Case c) {
        BandwidthReport report = new BandwidthReport();
        long last = -2;
        for (long estimate : c.estimates()) {
            last = report.sample(estimate);
        }
        assertThat(last).isEqualTo(c.reported());
    }
}
