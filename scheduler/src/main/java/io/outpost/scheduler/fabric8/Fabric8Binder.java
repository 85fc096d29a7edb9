package io.outpost.scheduler.fabric8;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.Status;

/**
 * Binds with {@code POST /api/v1/namespaces/<ns>/pods/<name>/binding}, the pods/binding
 * subresource kube-scheduler uses, with the pod's uid as precondition (so a pod deleted and
 * re-created under the same name is not bound by mistake). fabric8 has no call for this
 * subresource, so the request goes through the client's own HTTP client: same credentials, same
 * TLS. Thread model: called on binding threads; blocks until the server answers (at most 30 s).
 */
final class Fabric8Binder implements Binder {

    private final KubernetesClient client;

    Fabric8Binder(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Status bind(Pod pod, String nodeName) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Binding binding = new BindingBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withUid(pod.getMetadata().getUid()).endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(nodeName).endTarget().build();
        URI uri = URI.create(client.getMasterUrl().toString()).resolve("/api/v1/namespaces/" + encode(namespace)
                + "/pods/" + encode(name) + "/binding");
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(uri)
                .post("application/json", Serialization.asJson(binding)).build();
        try {
            HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            if (response.code() / 100 == 2) {
                return Status.SUCCESS;
            }
            return Status.error(statusMessage(response));
        } catch (ExecutionException e) {
            return Status.error("binding " + namespace + "/" + name + ": " + e.getCause());
        } catch (TimeoutException e) {
            return Status.error("binding " + namespace + "/" + name + ": no answer from the API server in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.error("binding " + namespace + "/" + name + ": interrupted");
        }
    }

    /** The Status message the server answered (kube's wording), else the HTTP code. */
    private static String statusMessage(HttpResponse<String> response) {
        try {
            var status = Serialization.unmarshal(response.body(), io.fabric8.kubernetes.api.model.Status.class);
            if (status != null && status.getMessage() != null) {
                return status.getMessage();
            }
        } catch (RuntimeException e) {
            // not a Status body: fall through
        }
        return "HTTP " + response.code();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
