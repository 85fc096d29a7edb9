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
