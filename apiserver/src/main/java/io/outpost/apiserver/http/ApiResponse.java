package io.outpost.apiserver.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a handler answers: a whole body, or a stream (watches, followed logs). */
public sealed interface ApiResponse {

    int status();

    String contentType();

    /** Extra headers (Content-Type and the framing headers are the transport's). */
    Map<String, String> headers();

    record Full(int status, String contentType, Map<String, String> headers, byte[] body) implements ApiResponse {
        public Full {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * A chunked response. The transport calls {@link StreamBody#writeTo} on the request's own
     * virtual thread and ends the response when it returns.
     */
    record Streaming(int status, String contentType, Map<String, String> headers, StreamBody body) implements ApiResponse {
        public Streaming {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * A two-way WebSocket connection (the node tunnel): the transport upgrades the request (101)
     * and calls {@link DuplexBody#run} on the request's own virtual thread; the connection ends
     * when it returns. A request that is no WebSocket upgrade is answered 400.
     */
    record Duplex(Map<String, String> headers, DuplexBody body) implements ApiResponse {
        public Duplex {
            headers = Map.copyOf(headers);
        }

        @Override
        public int status() {
            return 101;
        }

        @Override
        public String contentType() {
            return "application/octet-stream";
        }
    }

    @FunctionalInterface
    interface DuplexBody {
        void run(DuplexLink link) throws IOException, InterruptedException;
    }

    /**
     * Both directions of an upgraded connection: {@link #write} sends one binary message (with the
     * back-pressure of {@link StreamSink}), {@link #receive} takes the next one the client sent.
     * The transport stops reading from the socket while unread messages pile up, so a client that
     * sends faster than the body reads is slowed by TCP, never buffered without bound.
     */
    interface DuplexLink extends StreamSink {
        /**
         * The next message, or null if none came within {@code timeout}.
         *
         * @throws IOException once the client has closed the connection (or it failed) and
         *                     every message before that has been taken
         */
        byte[] receive(java.time.Duration timeout) throws IOException, InterruptedException;

        /** Bytes read from the client's TCP connection so far: TLS records, handshake included. */
        long wireBytesRead();

        /** Bytes written to the client's TCP connection so far: TLS records, handshake included. */
        long wireBytesWritten();

        /** Closes the connection (a normal WebSocket close); idempotent, any thread. */
        void close();
    }

    @FunctionalInterface
    interface StreamBody {
        void writeTo(StreamSink sink) throws IOException, InterruptedException;
    }

    /**
     * Where a stream writes. {@link #write} sends one chunk and blocks while the client is not
     * reading (back-pressure: a slow client slows its own writer, nobody else); it throws
     * {@link IOException} once the client has gone, which ends the stream.
     */
    interface StreamSink {
        void write(byte[] chunk) throws IOException, InterruptedException;

        boolean isOpen();
    }

    static Full json(int status, byte[] body) {
        return new Full(status, "application/json", Map.of(), body);
    }

    static Full text(int status, String body) {
        return new Full(status, "text/plain; charset=utf-8", Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
