package io.outpost.apiserver.patch;

/**
 * A patch that cannot be applied, with the HTTP code, {@code metav1.Status} reason and message
 * kube-apiserver answers for it (its {@code endpoints/handlers/patch.go}); the caller writes them
 * into a Status unchanged and stores nothing. The codes, by cause:
 *
 * <ul>
 *   <li>400 {@code BadRequest}: the body is not JSON, or not the JSON a patch type needs (a JSON
 *       patch that is not an array of operations, a merge patch of {@code null}), or a strategic
 *       merge patch directive is malformed ({@code $retainKeys}, {@code $setElementOrder},
 *       {@code $deleteFromPrimitiveList}).</li>
 *   <li>413 {@code RequestEntityTooLarge}: a JSON patch of more than 10,000 operations.</li>
 *   <li>415 {@code UnsupportedMediaType}: a Content-Type that is no patch type of the resource.</li>
 *   <li>422 {@code Invalid}: a JSON patch operation failed (a {@code test} that did not match, a
 *       path that does not exist), or a strategic merge patch holds a list of lists. For a failed
 *       JSON patch kube answers only "the server rejected our request due to an error in our
 *       request" and drops the library's explanation; so do we, keeping it in {@link #detail()}
 *       for the log.</li>
 *   <li>500 with an empty reason: the other strategic merge patch errors (an element without its
 *       merge key, an unknown {@code $patch} value). kube-apiserver returns them as plain Go
 *       errors, which its error writer turns into 500 with the error text as message; kubectl
 *       prints {@code Error from server: <message>}. We keep that answer for compatibility.</li>
 * </ul>
 */
public final class PatchException extends RuntimeException {

    private final int code;
    private final String reason;
    private final String detail;

    private PatchException(int code, String reason, String message, String detail) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.detail = detail;
    }

    static PatchException badRequest(String message) {
        return new PatchException(400, "BadRequest", message, message);
    }

    /** kube's {@code NewGenericServerResponse(422, ...)}: a fixed message, the cause dropped. */
    static PatchException unprocessable(String detail) {
        return new PatchException(422, "Invalid", "the server rejected our request due to an error in our request", detail);
    }

    static PatchException tooLarge(String message) {
        return new PatchException(413, "RequestEntityTooLarge", "Request entity too large: " + message, message);
    }

    static PatchException unsupportedMediaType(String message) {
        return new PatchException(415, "UnsupportedMediaType", message, message);
    }

    /** A plain Go error in kube-apiserver: 500, reason "" (StatusReasonUnknown), its text as message. */
    static PatchException plain(String message) {
        return new PatchException(500, "", message, message);
    }

    /** The HTTP status code of the answer. */
    public int code() {
        return code;
    }

    /** The Status reason ({@code BadRequest}, {@code Invalid}, ...); empty where kube leaves it empty. */
    public String reason() {
        return reason;
    }

    /** What went wrong, for the log: equal to the message except where kube hides it (422). */
    public String detail() {
        return detail;
    }
}
