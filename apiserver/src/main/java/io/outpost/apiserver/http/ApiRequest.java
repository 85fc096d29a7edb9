package io.outpost.apiserver.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One authenticated HTTP request, read whole (the transport caps bodies at 3 MiB, as
 * kube-apiserver does, before a handler sees them).
 *
 * @param method  {@code GET}, {@code POST}, ...
 * @param path    the decoded path, without the query
 * @param query   the decoded query parameters, each with all its values in order
 * @param headers the headers, names in lower case
 * @param body    the body; empty if none
 * @param user    who is asking
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query,
                         Map<String, List<String>> headers, byte[] body, UserInfo user) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(user, "user");
    }

    /** The first value of a query parameter. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Every value of a query parameter ({@code command=a&command=b}). */
    public List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
