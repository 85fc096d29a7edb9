package io.outpost.apiserver.protobuf;

import java.util.Locale;
import java.util.Optional;

/**
 * The formats a request body may come in, by its {@code Content-Type}, as kube-apiserver accepts
 * them for object bodies. No Content-Type means JSON (what curl users expect). Stateless.
 */
public enum BodyFormat {
    JSON, YAML, PROTOBUF;

    /** kube-apiserver's words for a body in any other format (its 415 message). */
    public static final String UNSUPPORTED = "the body of the request was in an unknown format - accepted media types include: "
            + "application/json, application/yaml, application/vnd.kubernetes.protobuf";

    /** The body's format; {@link UnreadableBodyException} (415) for any other media type. */
    public static BodyFormat of(Optional<String> contentType) {
        if (contentType.isEmpty() || contentType.get().isBlank()) {
            return JSON;
        }
        String type = contentType.get().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.endsWith("+json")) {
            return JSON;
        }
        if (type.equals("application/yaml") || type.endsWith("+yaml")) {
            return YAML;
        }
        if (type.equals(ProtobufBodies.MEDIA_TYPE)) {
            return PROTOBUF;
        }
        throw UnreadableBodyException.unsupported(UNSUPPORTED);
    }
}
