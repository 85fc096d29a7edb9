package io.outpost.agent.sync;

import java.nio.ByteBuffer;

/**
 * Finds, in each read off the tunnel's socket, the bytes of each data message (RFC 6455 section
 * 5.2 framing), and reports them as parts to a {@link Part} listener: what
 * {@link LinkBandwidth.Timing} needs to time a large message from its first bytes to its last.
 *
 * <p>Why a parser of its own: Java-WebSocket hands a message over only when it is whole (it
 * keeps an incomplete frame in a buffer of its own, and its fragment callback fires per complete
 * WebSocket frame, while the server sends each message as one frame), so neither of its callbacks
 * says when a large message's first bytes arrived. Its draft's {@code translateFrame} does see
 * every read as it comes off the socket; {@link TunnelSocket} passes each read here first. Only
 * the headers are read (2 to 14 bytes a frame); the payload is counted, never copied.
 *
 * <p>A part is the payload bytes of one message within one read, as java.net.http's
 * {@code onBinary(data, last)} delivered them; control frames (ping, pong, close), which may come
 * between the frames of a fragmented message, are skipped.
 *
 * <p>Thread model: one connection's read thread only; not thread-safe.
 */
final class FrameParts {

    /** Receives the parts: {@code bytes} of payload read at {@code nowNanos}; {@code last} ends the message. */
    @FunctionalInterface
    interface Part {
        void part(long bytes, boolean last, long nowNanos);
    }

    private static final int MAX_HEADER = 14; // 2 + 8 (64-bit length) + 4 (mask key)

    private final Part listener;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerRead;
    /** Payload bytes of the current frame still to come; -1 while reading a header. */
    private long payloadLeft = -1;
    private boolean dataFrame;
    private boolean finalFrame;

    FrameParts(Part listener) {
        this.listener = listener;
    }

    /** One read's bytes, in the order they came off the socket; {@code bytes}' position is not moved. */
    void read(ByteBuffer bytes, long nowNanos) {
        ByteBuffer in = bytes.duplicate();
        long part = 0; // this read's payload bytes of the message in progress
        while (in.hasRemaining()) {
            if (payloadLeft < 0) {
                header[headerRead++] = in.get();
                if (headerRead < 2 || headerRead < headerLength()) {
                    continue;
                }
                startFrame();
            } else {
                int n = (int) Math.min(payloadLeft, in.remaining());
                in.position(in.position() + n);
                payloadLeft -= n;
                if (dataFrame) {
                    part += n;
                }
            }
            if (payloadLeft == 0) {
                payloadLeft = -1;
                if (dataFrame && finalFrame) {
                    listener.part(part, true, nowNanos);
                    part = 0;
                }
            }
        }
        if (part > 0) {
            listener.part(part, false, nowNanos);
        }
    }

    /** The header's length, known from its first two bytes. */
    private int headerLength() {
        int length7 = header[1] & 0x7f;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    private void startFrame() {
        finalFrame = (header[0] & 0x80) != 0;
        int opcode = header[0] & 0x0f;
        dataFrame = opcode < 0x8; // continuation, text, binary; 0x8-0xf are control frames
        int length7 = header[1] & 0x7f;
        long length = length7;
        if (length7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        } else if (length7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xffL);
            }
        }
        headerRead = 0;
        payloadLeft = length;
    }
}
