package io.outpost.apiserver.http;

/**
 * Serves authenticated requests. Thread model: called on a virtual thread of the request's own;
 * blocking is fine. A handler never throws for bad input: it answers a {@code Status}.
 */
@FunctionalInterface
public interface ApiHandler {

    ApiResponse handle(ApiRequest request) throws Exception;
}
