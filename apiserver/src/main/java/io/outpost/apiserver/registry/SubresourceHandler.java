package io.outpost.apiserver.registry;

import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;

/**
 * A subresource served outside the {@link Registry}'s generic verbs, such as
 * {@code serviceaccounts/token} (kube's TokenREST: a create that stores nothing). The
 * {@link io.outpost.apiserver.KubernetesApi} resolves the URL and hands it the {@link Target}
 * (authentication and authorization already done); it answers every failure with a Status.
 * Thread model: any request thread, many at once.
 */
@FunctionalInterface
public interface SubresourceHandler {

    ApiResponse handle(ApiRequest request, Target target);
}
