package io.outpost.apiserver.registry;

import java.util.List;

import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.Statuses;

/**
 * The query parameters of a create or update that change how it is written: {@code dryRun=All}
 * (validate and default, answer as if written, store nothing) and {@code fieldValidation}.
 * Bad values are 422 Invalid on the options kind, as kube's {@code ValidateCreateOptions} answers.
 *
 * @param dryRun          whether nothing is stored
 * @param fieldValidation what unknown and duplicate body fields do
 */
record WriteOptions(boolean dryRun, FieldValidation fieldValidation) {

    /** kube's {@code fieldValidation} directives. */
    enum FieldValidation {
        /** Unknown or duplicate fields fail the request with 400. */
        STRICT,
        /**
         * Unknown fields are dropped, and each problem is a {@code Warning} header. The default
         * when the parameter is absent (kube-apiserver since 1.27, server-side field validation GA),
         * even though kubectl itself sends Strict by default.
         */
        WARN,
        /** Unknown fields are dropped silently. */
        IGNORE
    }

    /** @param optionsKind {@code CreateOptions} or {@code UpdateOptions}, for the error message */
    static WriteOptions of(ApiRequest request, String optionsKind) {
        for (String value : request.params("dryRun")) {
            if (!value.equals("All")) {
                throw unsupported(optionsKind, "dryRun", value, "\"All\"");
            }
        }
        String directive = request.param("fieldValidation").orElse("");
        FieldValidation fieldValidation = switch (directive) {
            case "", "Warn" -> FieldValidation.WARN;
            case "Strict" -> FieldValidation.STRICT;
            case "Ignore" -> FieldValidation.IGNORE;
            default -> throw unsupported(optionsKind, "fieldValidation", directive, "\"Ignore\", \"Strict\", \"Warn\"");
        };
        return new WriteOptions(!request.params("dryRun").isEmpty(), fieldValidation);
    }

    private static ApiException unsupported(String optionsKind, String field, String value, String supported) {
        return invalid(optionsKind, field, "FieldValueNotSupported", "Unsupported value: \"" + value + "\": supported values: " + supported);
    }

    /** A 422 on the request's options ({@code CreateOptions}, {@code DeleteOptions}, ...) with one cause. */
    static ApiException invalid(String optionsKind, String field, String reason, String body) {
        return new ApiException(422, "Invalid", optionsKind + ".meta.k8s.io \"\" is invalid: " + field + ": " + body,
                new Statuses.Details("", "meta.k8s.io", optionsKind, List.of(new Statuses.Cause(reason, body, field))));
    }
}
