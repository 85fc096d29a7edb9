package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the bytes of each read off the tunnel's socket are told apart as message parts. */
class FramePartsTest {

    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int PING = 0x9;

    /** What the listener got: {@code bytes} in read number {@code read}, and whether it ended the message. */
    record Part(long bytes, boolean last, long read) {
    }

    /** The wire bytes, cut into reads at the given offsets, and the parts expected. */
    record Case(String name, byte[] wire, int[] cuts, List<Part> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        byte[] big = frame(BINARY, true, 70_000); // 2 + 8 header bytes
        byte[] medium = frame(BINARY, true, 300); // 2 + 2 header bytes
        return Stream.of(
                new Case("A message in one read is one part that ends it",
                        frame(BINARY, true, 100), new int[0], List.of(new Part(100, true, 0))),
                new Case("A large message read in pieces gives each piece's payload as it comes, the last ending it",
                        big, new int[] {16_384, 32_768}, List.of(new Part(16_374, false, 0), new Part(16_384, false, 1),
                                new Part(70_000 - 16_374 - 16_384, true, 2))),
                new Case("Two messages in one read are two parts that each end a message",
                        concat(frame(BINARY, true, 10), medium), new int[0], List.of(new Part(10, true, 0), new Part(300, true, 0))),
                new Case("A header cut between reads is read whole before the payload counts",
                        medium, new int[] {1, 3}, List.of(new Part(300, true, 2))),
                new Case("A 64-bit length is read from eight bytes cut between reads",
                        big, new int[] {5}, List.of(new Part(70_000, true, 1))),
                new Case("A fragmented message with a ping between its frames is one message, the ping not counted",
                        concat(frame(BINARY, false, 10), frame(PING, true, 4), frame(CONTINUATION, true, 20)), new int[0],
                        List.of(new Part(30, true, 0))),
                new Case("An empty final frame ends the message in the read it comes in",
                        concat(frame(BINARY, false, 5), frame(CONTINUATION, true, 0)), new int[] {7},
                        List.of(new Part(5, false, 0), new Part(0, true, 1))),
                new Case("A message's end and the next one's start in one read are two parts",
                        // 2 + 100 bytes, then 4 + 200 (a 16-bit length): the second starts at byte 102
                        concat(frame(BINARY, true, 100), frame(BINARY, true, 200)), new int[] {50, 150},
                        List.of(new Part(48, false, 0), new Part(52, true, 1), new Part(44, false, 1), new Part(156, true, 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void partsOfEachRead(Case c) {
        List<Part> got = new ArrayList<>();
        long[] read = {0};
        FrameParts parts = new FrameParts((bytes, last, now) -> got.add(new Part(bytes, last, now)));
        int from = 0;
        int[] cuts = Arrays.copyOf(c.cuts(), c.cuts().length + 1);
        cuts[cuts.length - 1] = c.wire().length;
        for (int cut : cuts) {
            ByteBuffer buffer = ByteBuffer.wrap(c.wire(), from, cut - from);
            int position = buffer.position();
            parts.read(buffer, read[0]++);
            assertThat(buffer.position()).as("the read is left for the library to decode").isEqualTo(position);
            from = cut;
        }
        assertThat(got).isEqualTo(c.expected());
    }

    /** An unmasked frame (as a server sends) with {@code length} payload bytes. */
    static byte[] frame(int opcode, boolean fin, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.write(length);
        } else if (length < 65_536) {
            out.write(126);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift) & 0xff);
            }
        }
        out.writeBytes(new byte[length]);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }
}
