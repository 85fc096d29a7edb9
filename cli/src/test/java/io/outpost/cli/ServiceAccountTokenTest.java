package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Service-account tokens against the whole server: a TokenRequest (fabric8 and raw) gives a JWT
 * that authenticates as the service account (asked through {@code selfsubjectreviews}), with kube's
 * validation errors; a pod-bound token stops authenticating once its pod is deleted; the issuer's
 * discovery documents are served to service accounts.
 */
class ServiceAccountTokenTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient admin;
    static URI url;
    static SSLContext trustOnly;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        admin = server.client();
        url = URI.create("https://127.0.0.1:" + server.port());
        trustOnly = EdgeFixture.sslContext(server.server().api().pki(), null);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tokens").endMetadata().build()).create();
        // Pods run as a service account: wait for the controller's "default", as a client of kube must.
        Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .until(() -> admin.serviceAccounts().inNamespace("tokens").withName("default").get() != null);
        admin.serviceAccounts().inNamespace("tokens").resource(new ServiceAccountBuilder().withNewMetadata().withName("builder")
                .endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> call(String token, String method, String path, String body) throws Exception {
        return call(url, trustOnly, token, method, path, body);
    }

    /** A request with {@code token} as its only credential. */
    static HttpResponse<String> call(URI url, SSLContext trustOnly, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newBuilder().sslContext(trustOnly).build().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode whoami(String token) throws Exception {
        return whoami(url, trustOnly, token);
    }

    /** Who {@code token} authenticates as: the userInfo of a SelfSubjectReview. */
    static JsonNode whoami(URI url, SSLContext trustOnly, String token) throws Exception {
        HttpResponse<String> r = call(url, trustOnly, token, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("status").path("userInfo");
    }

    static Pod pod(String name, String serviceAccount) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withServiceAccountName(serviceAccount)
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    }

    @Test
    void aTokenRequestGivesATokenThatAuthenticatesAsTheServiceAccount() throws Exception {
        TokenRequest answer = admin.serviceAccounts().inNamespace("tokens").withName("builder")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(1200L).endSpec().build());
        assertThat(answer.getStatus().getToken()).isNotBlank();
        assertThat(answer.getSpec().getAudiences()).containsExactly("https://kubernetes.default.svc.cluster.local");
        java.time.Instant expires = java.time.Instant.parse(answer.getStatus().getExpirationTimestamp());
        assertThat(Duration.between(java.time.Instant.now(), expires)).isBetween(Duration.ofMinutes(18), Duration.ofMinutes(21));
        String uid = admin.serviceAccounts().inNamespace("tokens").withName("builder").get().getMetadata().getUid();

        JsonNode user = whoami(answer.getStatus().getToken());
        assertThat(user.path("username").asString()).isEqualTo("system:serviceaccount:tokens:builder");
        assertThat(user.path("uid").asString()).isEqualTo(uid);
        assertThat(user.path("groups").toString())
                .isEqualTo("[\"system:serviceaccounts\",\"system:serviceaccounts:tokens\",\"system:authenticated\"]");
        assertThat(user.path("extra").path("authentication.kubernetes.io/credential-id").get(0).asString()).startsWith("JTI=");

        // The existing authorizers (no RBAC yet) give a service account discovery and its issuer's keys, not objects.
        assertThat(call(answer.getStatus().getToken(), "GET", "/api/v1/namespaces/tokens/pods", null).statusCode()).isEqualTo(403);
        HttpResponse<String> oidc = call(answer.getStatus().getToken(), "GET", "/.well-known/openid-configuration", null);
        assertThat(oidc.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(oidc.body()).path("jwks_uri").asString())
                .isEqualTo("https://kubernetes.default.svc.cluster.local/openid/v1/jwks");
        HttpResponse<String> jwks = call(answer.getStatus().getToken(), "GET", "/openid/v1/jwks", null);
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(jwks.body()).path("keys").get(0).path("alg").asString()).isEqualTo("ES256");
    }

    @Test
    void aPodBoundTokenStopsAuthenticatingWhenItsPodIsDeleted() throws Exception {
        Pod pod = admin.pods().inNamespace("tokens").resource(pod("bound", "builder")).create();
        TokenRequest answer = admin.serviceAccounts().inNamespace("tokens").withName("builder")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                        .withName("bound").withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build());
        String token = answer.getStatus().getToken();
        JsonNode user = whoami(token);
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-name").get(0).asString()).isEqualTo("bound");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-uid").get(0).asString()).isEqualTo(pod.getMetadata().getUid());

        admin.pods().inNamespace("tokens").withName("bound").withGracePeriod(0).delete();
        Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .until(() -> admin.pods().inNamespace("tokens").withName("bound").get() == null);
        HttpResponse<String> refused = call(token, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).path("reason").asString()).isEqualTo("Unauthorized");
    }

    record Bad(String body, int code, String message) {
    }

    @Test
    void badTokenRequestsAreRefusedAsKubeRefusesThem() throws Exception {
        admin.pods().inNamespace("tokens").resource(pod("runs-as-default", "default")).create();
        var http = admin.getHttpClient(); // the admin's own credentials: only the request is bad
        for (Bad bad : java.util.List.of(
                new Bad("{\"spec\":{\"expirationSeconds\":60}}", 422,
                        "TokenRequest.authentication.k8s.io \"builder\" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"),
                new Bad("{\"metadata\":{\"name\":\"other\"},\"spec\":{}}", 422,
                        "metadata.name: Invalid value: \"other\": must match the service account name if specified"),
                new Bad("{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"runs-as-default\"}}}", 400,
                        "cannot bind token for serviceaccount \"builder\" to pod running with different serviceaccount name."),
                new Bad("{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"nope\"}}}", 404,
                        "pods \"nope\" not found"),
                new Bad("{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"x\"}}}", 400,
                        "cannot bind token to object of type v1, Kind=ConfigMap"))) {
            var request = http.newHttpRequestBuilder().uri(url + "/api/v1/namespaces/tokens/serviceaccounts/builder/token")
                    .post("application/json", bad.body()).build();
            var response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            assertThat(response.code()).as(bad.body()).isEqualTo(bad.code());
            assertThat(JSON.readTree(response.body()).path("message").asString()).as(bad.body()).contains(bad.message());
        }
        var missing = http.sendAsync(http.newHttpRequestBuilder().uri(url + "/api/v1/namespaces/tokens/serviceaccounts/ghost/token")
                .post("application/json", "{}").build(), String.class).get(30, TimeUnit.SECONDS);
        assertThat(missing.code()).isEqualTo(404);
    }

    @Test
    void everyNamespaceGetsTheClusterCaAsKubeRootCaCrtMadeAgainWhenDeletedAndRepairedWhenChanged() throws Exception {
        String ca = io.outpost.apiserver.pki.Pem.of(server.server().api().pki().ca().certificate());
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ca-check").endMetadata().build()).create();
        var cm = admin.configMaps().inNamespace("ca-check").withName("kube-root-ca.crt");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> cm.get() != null);
        assertThat(cm.get().getData()).isEqualTo(java.util.Map.of("ca.crt", ca));
        assertThat(cm.get().getMetadata().getAnnotations()).containsKey("kubernetes.io/description");

        cm.edit(c -> {
            c.setData(java.util.Map.of("ca.crt", "tampered"));
            return c;
        });
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> ca.equals(cm.get().getData().get("ca.crt")));
        cm.delete();
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> cm.get() != null && ca.equals(cm.get().getData().get("ca.crt")));
        assertThat(admin.configMaps().inNamespace("kube-system").withName("kube-root-ca.crt").get()).isNotNull();
    }

    @Test
    void theServiceAccountAdmissionMountsTheTokenAndRefusesAPodOfAMissingServiceAccount() throws Exception {
        Pod plain = admin.pods().inNamespace("tokens").resource(new PodBuilder().withNewMetadata().withName("plain").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
        assertThat(plain.getSpec().getServiceAccountName()).isEqualTo("default");
        var volume = plain.getSpec().getVolumes().getFirst();
        assertThat(volume.getName()).startsWith("kube-api-access-");
        assertThat(volume.getProjected().getSources().getFirst().getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
        var mount = plain.getSpec().getContainers().getFirst().getVolumeMounts().getFirst();
        assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
        assertThat(mount.getReadOnly()).isTrue();

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.fabric8.kubernetes.client.KubernetesClientException.class,
                () -> admin.pods().inNamespace("tokens").resource(pod("orphan", "ghost")).create());
        assertThat(refused.getCode()).isEqualTo(403);
        assertThat(refused.getStatus().getMessage())
                .isEqualTo("pods \"orphan\" is forbidden: error looking up service account tokens/ghost: serviceaccount \"ghost\" not found");
    }

    @Test
    void aNodeMayHaveTokensOnlyBoundToItsOwnPods() throws Exception {
        var pki = server.server().api().pki();
        SSLContext node = EdgeFixture.sslContext(pki, EdgeFixture.identity(pki, "system:node:tok-a", java.util.List.of("system:nodes")));
        Pod mine = admin.pods().inNamespace("tokens").resource(new PodBuilder(pod("on-tok-a", "builder")).editSpec().withNodeName("tok-a")
                .endSpec().build()).create();
        Pod other = admin.pods().inNamespace("tokens").resource(new PodBuilder(pod("on-tok-b", "default")).editSpec().withNodeName("tok-b")
                .endSpec().build()).create();
        HttpClient http = HttpClient.newBuilder().sslContext(node).build();
        java.util.function.BiFunction<String, String, HttpResponse<String>> post = (sa, body) -> {
            try {
                return http.send(HttpRequest.newBuilder(url.resolve("/api/v1/namespaces/tokens/serviceaccounts/" + sa + "/token"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String bound = "{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"%s\",\"uid\":\"%s\"}}}";
        HttpResponse<String> ok = post.apply("builder", bound.formatted("on-tok-a", mine.getMetadata().getUid()));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(whoami(JSON.readTree(ok.body()).path("status").path("token").asString()).path("extra")
                .path("authentication.kubernetes.io/node-name").get(0).asString()).isEqualTo("tok-a");

        HttpResponse<String> unbound = post.apply("builder", "{}");
        assertThat(unbound.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(unbound.body()).path("message").asString()).contains("node requested token not bound to a pod");
        // The service account of another node's pod: the node authorizer finds no relationship.
        HttpResponse<String> foreign = post.apply("default", bound.formatted("on-tok-b", other.getMetadata().getUid()));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).path("message").asString()).contains("no relationship found between node 'tok-a'");
    }

    @Test
    void garbageAndForeignTokensAreUnauthorized() throws Exception {
        assertThat(call("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln", "GET", "/api", null).statusCode()).isEqualTo(401);
        assertThat(call("not-a-token", "GET", "/api", null).statusCode()).isEqualTo(401);
    }
}
