package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;

class CreatesTest {

    record Case(String name, ResourceType type, String urlNamespace, String body, int status, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A configmap with a name is created", Fixtures.CONFIGMAPS, "default",
                        "{'metadata':{'name':'a'}}", 201, "", ""),
                new Case("A body with the URL's kind and apiVersion is created", Fixtures.CONFIGMAPS, "default",
                        "{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'a','namespace':'default'}}", 201, "", ""),
                new Case("A body of another kind is rejected", Fixtures.CONFIGMAPS, "default",
                        "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'a'}}", 400, "BadRequest", "Pod in version \"v1\" cannot be handled as a ConfigMap"),
                new Case("A body of another apiVersion is rejected", Fixtures.DEPLOYMENTS, "default",
                        "{'kind':'Deployment','apiVersion':'extensions/v1beta1','metadata':{'name':'a'}}", 400, "BadRequest", "cannot be handled as a Deployment"),
                new Case("A body in another namespace than the URL's is rejected", Fixtures.CONFIGMAPS, "default",
                        "{'metadata':{'name':'a','namespace':'kube-system'}}", 400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request"),
                new Case("An object without name or generateName is invalid", Fixtures.CONFIGMAPS, "default",
                        "{'metadata':{}}", 422, "Invalid", "metadata.name: Required value: name or generateName is required"),
                new Case("A name with a slash is invalid", Fixtures.CONFIGMAPS, "default",
                        "{'metadata':{'name':'a/b'}}", 422, "Invalid", "metadata.name: Invalid value: \"a/b\": a lowercase RFC 1123 subdomain"),
                new Case("An object carrying a resourceVersion is refused as kube does", Fixtures.CONFIGMAPS, "default",
                        "{'metadata':{'name':'a','resourceVersion':'5'}}", 500, "InternalError", "resourceVersion should not be set on objects to be created"),
                new Case("Creating in a missing namespace is NotFound on the namespace", Fixtures.CONFIGMAPS, "nope",
                        "{'metadata':{'name':'a'}}", 404, "NotFound", "namespaces \"nope\" not found"),
                new Case("A body that is not JSON is a bad request", Fixtures.CONFIGMAPS, "default",
                        "{not json", 400, "BadRequest", "not valid JSON"),
                new Case("A cluster-scoped object drops a namespace", Fixtures.NODES, null,
                        "{'metadata':{'name':'n1','namespace':'default'}}", 201, "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void create(Case c) {
        Harness h = new Harness();
        Harness.Answer a = h.create(c.type(), c.urlNamespace(), json(c.body()));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(c.status());
        if (c.status() >= 400) {
            assertThat(a.reason()).isEqualTo(c.reason());
            assertThat(a.message()).contains(c.message());
            assertThat(h.kv.count(c.type().keyPrefix())).isZero();
        } else {
            assertThat(a.body().path("metadata").has("namespace")).isEqualTo(c.type().namespaced());
        }
    }

    @Test
    void theServerSetsUidCreationTimestampGenerationAndResourceVersion() {
        Harness h = new Harness();
        Harness.Answer a = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','uid':'mine'}}"));
        var meta = a.body().path("metadata");
        assertThat(a.body().path("kind").asString()).isEqualTo("ConfigMap");
        assertThat(a.body().path("apiVersion").asString()).isEqualTo("v1");
        assertThat(meta.path("uid").asString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(meta.path("creationTimestamp").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(meta.path("generation").asLong()).isEqualTo(1);
        assertThat(a.rv()).isEqualTo(Long.toString(h.kv.currentRevision()));
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").body()).isEqualTo(a.body());
    }

    @Test
    void aSecondCreateOfTheSameNameIsAlreadyExists() {
        Harness h = new Harness();
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        Harness.Answer a = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.reason()).isEqualTo("AlreadyExists");
        assertThat(a.message()).isEqualTo("configmaps \"a\" already exists");
    }

    @Test
    void generateNameAddsFiveRandomCharacters() {
        Harness h = new Harness();
        Harness.Answer a = h.create(Fixtures.PODS, "default", json("{'metadata':{'generateName':'web-'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.body().path("metadata").path("name").asString()).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
    }

    @Test
    void aPodStartsPendingWhateverStatusItWasSentWith() {
        Harness h = new Harness();
        Harness.Answer a = h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}]},'status':{'phase':'Running','podIP':'1.2.3.4'}}"));
        assertThat(a.body().path("status").toString()).isEqualTo("{\"phase\":\"Pending\"}");
    }

    @Test
    void aDeploymentsStatusIsTheServersNotTheClients() {
        Harness h = new Harness();
        Harness.Answer a = h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{'replicas':2,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}},'status':{'replicas':9}}"));
        assertThat(a.body().has("status")).isFalse();
        assertThat(a.body().path("apiVersion").asString()).isEqualTo("apps/v1");
    }
}
