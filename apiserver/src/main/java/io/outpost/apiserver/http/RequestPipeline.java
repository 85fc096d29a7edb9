package io.outpost.apiserver.http;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.auth.Attributes;
import io.outpost.apiserver.auth.Authentication;
import io.outpost.apiserver.auth.Authenticator;
import io.outpost.apiserver.auth.Authorizer;
import io.outpost.apiserver.auth.Credentials;
import io.outpost.apiserver.auth.Decision;

/**
 * What every request goes through, in kube-apiserver's filter order: authentication, then
 * authorization on the request's {@link RequestInfo}, then the handler. Knows nothing of Netty,
 * so that it can be tested on its own.
 *
 * <p>Thread model: {@link #serve} runs on the request's virtual thread, many at once; the pipeline
 * is immutable. It never throws: a handler's exception becomes a 500 {@code Status}.
 */
public final class RequestPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);

    /**
     * Paths a request without credentials may reach (kube's system:public-info-viewer, and
     * {@code /cacerts}, the CA bundle a joining node pins by hash); every other path answers 401 to it.
     */
    private static final Set<String> PUBLIC_ROOTS = Set.of("/healthz", "/livez", "/readyz", "/version", "/cacerts");

    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final ApiHandler handler;

    public RequestPipeline(Authenticator authenticator, Authorizer authorizer, ApiHandler handler) {
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.handler = handler;
    }

    public ApiResponse serve(String method, String path, Map<String, List<String>> query,
                             Map<String, List<String>> headers, byte[] body, Credentials credentials) {
        try {
            UserInfo user = switch (authenticator.authenticate(credentials)) {
                case Authentication.Authenticated a -> a.user();
                case Authentication.Anonymous a when isPublic(path) -> Authentication.ANONYMOUS_USER;
                case Authentication.Anonymous a -> null;
                case Authentication.Rejected r -> null;
            };
            if (user == null) {
                return Statuses.unauthorized();
            }
            List<String> selector = query.get("fieldSelector");
            Attributes attributes = Attributes.of(user, RequestInfo.parse(method, path, query),
                    selector == null || selector.isEmpty() ? "" : selector.getFirst());
            Decision decision = authorizer.authorize(attributes);
            if (!decision.allowed()) {
                return forbidden(attributes, decision.reason());
            }
            return handler.handle(new ApiRequest(method, path, query, headers, body, user));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return internalError(method, path, e);
        } catch (Exception | StackOverflowError e) {
            return internalError(method, path, e);
        }
    }

    static boolean isPublic(String path) {
        for (String root : PUBLIC_ROOTS) {
            if (path.equals(root) || path.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    /** kube's responsewriters.Forbidden wrapped in apierrors.NewForbidden. */
    static ApiResponse.Full forbidden(Attributes a, String reason) {
        String message = a.deniedMessage() + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        if (!a.resourceRequest()) {
            return Statuses.failure(403, "Forbidden", "forbidden: " + message);
        }
        String resource = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
        String prefix = a.name().isEmpty() ? resource + " is forbidden: " : resource + " \"" + a.name() + "\" is forbidden: ";
        return Statuses.failure(403, "Forbidden", prefix + message,
                new Statuses.Details(a.name().isEmpty() ? null : a.name(), a.apiGroup(), a.resource(), List.of()));
    }

    static ApiResponse.Full internalError(String method, String path, Throwable e) {
        LOG.error("{} {} failed; answering 500", method, path, e);
        return Statuses.failure(500, "InternalError", "Internal error occurred: " + e);
    }
}
