package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The passive bandwidth estimate: messages arrive in parts on a simulated clock (milliseconds on
 * {@link System#nanoTime()}'s scale), and the estimate after the last is checked.
 */
class LinkBandwidthTest {

    private static final long MS = 1_000_000;
    private static final long KB = 1024;

    /** One message: its parts' sizes, arriving {@code spacingMs} apart; the next message starts {@code gapMs} after it ends. */
    record Message(List<Long> parts, long spacingMs, long gapMs) {
        /** {@code n} parts of {@code size} bytes each. */
        static Message of(int n, long size, long spacingMs) {
            return new Message(Stream.generate(() -> size).limit(n).toList(), spacingMs, 1_000);
        }
    }

    record Case(String name, List<Message> messages, long atLeast, long atMost) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        // 2 Mbit/s = 250 kB/s: a 4 kB part every 16.384 ms (16 ms here: 2.048 Mbit/s).
        Message twoMbit = Message.of(65, 4 * KB, 16);
        return Stream.of(
                new Case("nothing is known before the first large message", List.of(), -1, -1),
                new Case("a message in one part measures nothing", List.of(new Message(List.of(1024 * KB), 0, 0)), -1, -1),
                new Case("a message of less than 16 kB after its first part measures nothing",
                        List.of(Message.of(4, 4 * KB, 16)), -1, -1),
                new Case("the bytes after the first part over the time from first to last part: 256 kB in 1.024 s is 2.048 Mbit/s",
                        List.of(twoMbit), 2_048, 2_048),
                new Case("parts that arrive at once (no time) measure nothing",
                        List.of(Message.of(10, 16 * KB, 0)), -1, -1),
                new Case("small messages around a large one do not move the estimate",
                        List.of(Message.of(2, 2 * KB, 1), twoMbit, Message.of(3, 1 * KB, 50)), 2_048, 2_048),
                new Case("one fast sample moves a slow estimate by a quarter of the way",
                        List.of(twoMbit, Message.of(65, 4 * KB, 1)), 2_048 + (32_768 - 2_048) / 4, 2_048 + (32_768 - 2_048) / 4),
                new Case("a lasting change is followed",
                        Stream.concat(Stream.of(twoMbit), Stream.generate(() -> Message.of(65, 4 * KB, 32)).limit(20)).toList(),
                        1_000, 1_100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void measuresLargeMessagesOnly(Case c) {
        LinkBandwidth bandwidth = new LinkBandwidth();
        LinkBandwidth.Timing timing = bandwidth.connection();
        long now = 0;
        for (Message m : c.messages()) {
            for (int i = 0; i < m.parts().size(); i++) {
                if (i > 0) {
                    now += m.spacingMs() * MS;
                }
                timing.part(m.parts().get(i), i == m.parts().size() - 1, now);
            }
            now += m.gapMs() * MS;
        }
        assertThat(bandwidth.kbps()).isBetween(c.atLeast(), c.atMost());
    }

    @Test
    void theEstimateOutlivesAConnectionAndAMessageCutShortByItIsNotMeasured() {
        LinkBandwidth bandwidth = new LinkBandwidth();
        LinkBandwidth.Timing first = bandwidth.connection();
        long now = 0;
        for (int i = 0; i < 65; i++) {
            first.part(4 * KB, i == 64, now);
            now += 16 * MS;
        }
        // The link drops in the middle of the next message: its parts so far are never measured.
        for (int i = 0; i < 30; i++) {
            first.part(4 * KB, false, now);
            now += MS;
        }

        LinkBandwidth.Timing second = bandwidth.connection();
        assertThat(second.part(512, true, now)).isFalse();

        assertThat(bandwidth.kbps()).isEqualTo(2_048);
    }
}
