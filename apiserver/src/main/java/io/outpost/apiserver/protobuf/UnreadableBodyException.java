package io.outpost.apiserver.protobuf;

/**
 * A request body the server cannot turn into an object: 415 UnsupportedMediaType for a media
 * type or protobuf kind it does not read, 400 BadRequest for malformed bytes. Callers answer it
 * as a {@code Status} with {@link #code()}, {@link #reason()} and the message.
 */
public final class UnreadableBodyException extends RuntimeException {

    private final int code;
    private final String reason;

    private UnreadableBodyException(int code, String reason, String message) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    static UnreadableBodyException unsupported(String message) {
        return new UnreadableBodyException(415, "UnsupportedMediaType", message);
    }

    static UnreadableBodyException badRequest(String message) {
        return new UnreadableBodyException(400, "BadRequest", message);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
