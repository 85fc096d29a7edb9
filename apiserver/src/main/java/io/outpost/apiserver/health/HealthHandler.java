package io.outpost.apiserver.health;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;

/**
 * {@code /livez}, {@code /readyz} and {@code /healthz}, in kube-apiserver's format
 * (k8s.io/apiserver/pkg/server/healthz): {@code ok}, or with {@code ?verbose} one
 * {@code [+]name ok} line a check and {@code livez check passed}; a failure answers 500 with
 * {@code [-]name failed: reason withheld} lines and {@code livez check failed}. {@code ?exclude=name}
 * skips a check; {@code /readyz/NAME} runs one.
 *
 * <p>Liveness is the ping only: a live server that cannot reach its datastore is not restarted,
 * it is taken out of service by readiness. {@code /healthz} (deprecated in kube) runs every check.
 */
public final class HealthHandler implements ApiHandler {

    private final Map<String, List<HealthCheck>> checks;

    /** @param readiness the checks that must pass to serve, besides ping (the datastore's, say) */
    public HealthHandler(List<HealthCheck> readiness) {
        List<HealthCheck> ready = new ArrayList<>();
        ready.add(HealthCheck.PING);
        ready.addAll(readiness);
        this.checks = Map.of("livez", List.of(HealthCheck.PING), "readyz", List.copyOf(ready), "healthz", List.copyOf(ready));
    }

    /** Mounts the three endpoints (and their per-check paths). */
    public void mountOn(Router.Builder router) {
        for (String endpoint : checks.keySet()) {
            router.prefix("/" + endpoint, this);
        }
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource");
        }
        String[] parts = request.path().substring(1).split("/", 2);
        List<HealthCheck> list = checks.get(parts[0]);
        if (list == null) {
            return Router.notFound();
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            return one(list, parts[1]);
        }
        return all(parts[0], list, request);
    }

    private static ApiResponse one(List<HealthCheck> list, String name) {
        for (HealthCheck check : list) {
            if (check.name().equals(name)) {
                return check.passes() ? ApiResponse.text(200, "ok")
                        : ApiResponse.text(500, "internal server error: " + name + " check failed\n");
            }
        }
        return Router.notFound();
    }

    private static ApiResponse all(String endpoint, List<HealthCheck> list, ApiRequest request) {
        Set<String> excluded = new LinkedHashSet<>();
        for (String value : request.params("exclude")) {
            excluded.addAll(List.of(value.split(",")));
        }
        Set<String> unmatched = new HashSet<>(excluded);
        StringBuilder out = new StringBuilder();
        boolean failed = false;
        for (HealthCheck check : list) {
            if (excluded.contains(check.name())) {
                unmatched.remove(check.name());
                out.append("[+]").append(check.name()).append(" excluded: ok\n");
            } else if (check.passes()) {
                out.append("[+]").append(check.name()).append(" ok\n");
            } else {
                out.append("[-]").append(check.name()).append(" failed: reason withheld\n");
                failed = true;
            }
        }
        if (!unmatched.isEmpty()) {
            out.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", unmatched.stream().map(s -> "\"" + s + "\"").sorted().toList())).append('\n');
        }
        if (failed) {
            // Go's http.Error adds the newline.
            return ApiResponse.text(500, out + endpoint + " check failed\n");
        }
        if (!request.query().containsKey("verbose")) {
            return ApiResponse.text(200, "ok");
        }
        return ApiResponse.text(200, out + endpoint + " check passed\n");
    }
}
