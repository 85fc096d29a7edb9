package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.http.ApiResponse;
import tools.jackson.databind.JsonNode;

/** Server-side apply and managedFields through the registry, over an in-memory store. */
class AppliesTest {

    private static final String APPLY = "application/apply-patch+yaml";

    static String deployment(int replicas, String image) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':" + replicas
                + ",'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'app','image':'" + image + "'}]}}}}");
    }

    static Harness.Answer patch(Harness h, String name, String query, String contentType, String body) {
        ApiResponse response = h.registry.handle(Harness.request("PATCH", query, body, Map.of("content-type", List.of(contentType))),
                Target.object(Fixtures.DEPLOYMENTS, "default", name));
        JsonNode tree = response instanceof ApiResponse.Full f && f.body().length > 0 ? Responses.JSON.readTree(f.body()) : null;
        return new Harness.Answer(response.status(), tree, response);
    }

    static Harness.Answer apply(Harness h, String manager, String body, String extra) {
        return patch(h, "web", "fieldManager=" + manager + extra, APPLY, body);
    }

    static List<String> managers(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.path("metadata").path("managedFields").forEach(e -> out.add(e.path("manager").asString() + "/" + e.path("operation").asString()));
        return out;
    }

    @Test
    void anApplyCreatesTheObjectAndOwnsWhatItApplied() {
        Harness h = new Harness();
        Harness.Answer a = apply(h, "alice", deployment(2, "nginx:1"), "");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        assertThat(a.body().path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(a.body().path("spec").path("strategy").path("type").asString()).as("defaulted").isEqualTo("RollingUpdate");
        JsonNode entry = a.body().path("metadata").path("managedFields").get(0);
        assertThat(entry.path("manager").asString()).isEqualTo("alice");
        assertThat(entry.path("operation").asString()).isEqualTo("Apply");
        assertThat(entry.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(entry.path("fieldsType").asString()).isEqualTo("FieldsV1");
        JsonNode fields = entry.path("fieldsV1");
        assertThat(fields.path("f:spec").has("f:replicas")).isTrue();
        assertThat(fields.path("f:spec").path("f:selector").isEmpty()).as("a LabelSelector is atomic").isTrue();
        assertThat(fields.path("f:spec").path("f:template").path("f:spec").path("f:containers").path("k:{\"name\":\"app\"}").has(".")).isTrue();
        assertThat(fields.path("f:spec").has("f:strategy")).as("defaults are nobody's").isFalse();
        assertThat(fields.path("f:metadata").has("f:name")).as("identity is nobody's").isFalse();
    }

    @Test
    void anotherManagerChangingAnOwnedFieldConflictsUntilForced() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        String rv = h.get(Fixtures.DEPLOYMENTS, "default", "web").rv();
        Harness.Answer conflict = apply(h, "bob", deployment(3, "nginx:1"), "&force=false");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.reason()).isEqualTo("Conflict");
        assertThat(conflict.message()).isEqualTo("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas");
        JsonNode cause = conflict.body().path("details").path("causes").get(0);
        assertThat(cause.path("reason").asString()).isEqualTo("FieldManagerConflict");
        assertThat(cause.path("message").asString()).isEqualTo("conflict with \"alice\"");
        assertThat(cause.path("field").asString()).isEqualTo(".spec.replicas");
        assertThat(h.get(Fixtures.DEPLOYMENTS, "default", "web").rv()).as("nothing stored").isEqualTo(rv);

        Harness.Answer forced = apply(h, "bob", deployment(3, "nginx:1"), "&force=true");
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.body().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(managers(forced.body())).containsExactlyInAnyOrder("alice/Apply", "bob/Apply");
        JsonNode alice = forced.body().path("metadata").path("managedFields").get(0);
        JsonNode aliceFields = alice.path("manager").asString().equals("alice") ? alice.path("fieldsV1")
                : forced.body().path("metadata").path("managedFields").get(1).path("fieldsV1");
        assertThat(aliceFields.path("f:spec").has("f:replicas")).as("alice lost replicas").isFalse();
    }

    @Test
    void applyingTheSameValueSharesOwnership() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        Harness.Answer a = apply(h, "bob", deployment(2, "nginx:1"), "");
        assertThat(a.status()).isEqualTo(200);
        assertThat(managers(a.body())).containsExactlyInAnyOrder("alice/Apply", "bob/Apply");
    }

    @Test
    void anUpdateByAnotherManagerConflictsWithUsingItsVersion() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        Harness.Answer scaled = patch(h, "web", "fieldManager=scaler", "application/merge-patch+json", json("{'spec':{'replicas':5}}"));
        assertThat(managers(scaled.body())).containsExactly("alice/Apply", "scaler/Update");
        Harness.Answer conflict = apply(h, "alice", deployment(2, "nginx:1"), "");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.message()).isEqualTo("Apply failed with 1 conflict: conflict with \"scaler\" using apps/v1: .spec.replicas");
    }

    @Test
    void fieldsTheApplierNoLongerAppliesAreRemovedUnlessSomeoneElseOwnsThem() {
        Harness h = new Harness();
        String withLabel = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','labels':{'a':'1','b':'2'}},'data':{'x':'1','y':'2'}}");
        String without = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','labels':{'a':'1'}},'data':{'x':'1'}}");
        assertThat(applyConfigMap(h, "alice", withLabel).status()).isEqualTo(201);
        applyConfigMap(h, "bob", json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'y':'2'}}"));
        Harness.Answer a = applyConfigMap(h, "alice", without);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("metadata").path("labels").has("b")).as("nobody else owned label b").isFalse();
        assertThat(a.body().path("data").path("y").asString()).as("bob still owns y").isEqualTo("2");
    }

    static Harness.Answer applyConfigMap(Harness h, String manager, String body) {
        ApiResponse response = h.registry.handle(Harness.request("PATCH", "fieldManager=" + manager, body, Map.of("content-type", List.of(APPLY))),
                Target.object(Fixtures.CONFIGMAPS, "default", "c"));
        return new Harness.Answer(response.status(), Responses.JSON.readTree(((ApiResponse.Full) response).body()), response);
    }

    @Test
    void createsAndUpdatesRecordUpdateEntriesNamedByFieldManagerOrUserAgent() {
        Harness h = new Harness();
        ApiResponse created = h.registry.handle(Harness.request("POST", "", json("{'metadata':{'name':'c'},'data':{'a':'1'}}"),
                Map.of("user-agent", List.of("kubectl.1.33/v1.33.1 (linux/amd64) kubernetes/abc"))), Target.collection(Fixtures.CONFIGMAPS, "default"));
        JsonNode body = Responses.JSON.readTree(((ApiResponse.Full) created).body());
        assertThat(managers(body)).containsExactly("kubectl.1.33/Update");
        assertThat(body.path("metadata").path("managedFields").get(0).path("fieldsV1").path("f:data").has("f:a")).isTrue();
        Harness.Answer put = h.call("PUT", Target.object(Fixtures.CONFIGMAPS, "default", "c"), "fieldManager=editor",
                json("{'metadata':{'name':'c'},'data':{'a':'1','b':'2'}}"));
        assertThat(managers(put.body())).containsExactlyInAnyOrder("kubectl.1.33/Update", "editor/Update");
        Harness.Answer removed = h.call("PUT", Target.object(Fixtures.CONFIGMAPS, "default", "c"), "fieldManager=editor",
                json("{'metadata':{'name':'c'},'data':{'b':'2'}}"));
        JsonNode creator = removed.body().path("metadata").path("managedFields").get(1);
        assertThat(creator.path("manager").asString()).isEqualTo("kubectl.1.33");
        assertThat(creator.path("fieldsV1").toString()).as("the creator lost the field that was removed").isEqualTo("{\"f:data\":{}}");
    }

    @Test
    void anEmptyManagedFieldsListClearsThem() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        Harness.Answer reset = patch(h, "web", "", "application/merge-patch+json", json("{'metadata':{'managedFields':[{}]}}"));
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body().path("metadata").has("managedFields")).isFalse();
        Harness.Answer untracked = patch(h, "web", "fieldManager=x", "application/merge-patch+json", json("{'spec':{'replicas':4}}"));
        assertThat(untracked.body().path("metadata").has("managedFields")).as("untracked until the next apply").isFalse();
        Harness.Answer applied = apply(h, "alice", deployment(3, "nginx:1"), "");
        assertThat(applied.status()).as("before-first-apply owns what was there").isEqualTo(409);
        assertThat(applied.message()).contains("\"before-first-apply\" using apps/v1");
    }

    @Test
    void dryRunStoresNothing() {
        Harness h = new Harness();
        Harness.Answer a = apply(h, "alice", deployment(2, "nginx:1"), "&dryRun=All");
        assertThat(a.status()).isEqualTo(201);
        assertThat(h.get(Fixtures.DEPLOYMENTS, "default", "web").status()).isEqualTo(404);
    }

    @Test
    void kubectlTakesOverFieldsItAppliedClientSide() {
        Harness h = new Harness();
        String csa = deployment(2, "nginx:1");
        ObjectNodeText created = new ObjectNodeText(csa);
        String withAnnotation = created.withLastApplied();
        Harness.Answer c = h.call("POST", Target.collection(Fixtures.DEPLOYMENTS, "default"), "fieldManager=kubectl-client-side-apply", withAnnotation);
        assertThat(c.status()).isEqualTo(201);
        Harness.Answer ssa = apply(h, "kubectl", deployment(4, "nginx:2"), "");
        assertThat(ssa.status()).as(ssa.body().toString()).isEqualTo(200);
        assertThat(ssa.body().path("spec").path("replicas").asInt()).isEqualTo(4);
        String lastApplied = ssa.body().path("metadata").path("annotations").path("kubectl.kubernetes.io/last-applied-configuration").asString();
        assertThat(lastApplied).contains("\"replicas\":4").endsWith("\n");
        Harness.Answer other = apply(h, "kubectl", deployment(5, "nginx:2"), "");
        assertThat(other.status()).isEqualTo(200);
        Harness.Answer notKubectl = apply(h, "someone", deployment(6, "nginx:2"), "");
        assertThat(notKubectl.status()).isEqualTo(409);
    }

    /** A configuration with kubectl's last-applied annotation of itself. */
    record ObjectNodeText(String json) {
        String withLastApplied() {
            var tree = (tools.jackson.databind.node.ObjectNode) Responses.JSON.readTree(json);
            tree.withObjectProperty("metadata").putObject("annotations").put("kubectl.kubernetes.io/last-applied-configuration", json + "\n");
            return tree.toString();
        }
    }

    @Test
    void statusAndScaleWritesAreRecordedOnTheirSubresource() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        Harness.Answer status = h.call("PUT", new Target(Fixtures.DEPLOYMENTS, "default", "web", "status"), "fieldManager=controller",
                json("{'metadata':{'name':'web'},'status':{'replicas':2}}"));
        assertThat(status.status()).as(status.body().toString()).isEqualTo(200);
        JsonNode entry = null;
        for (JsonNode e : status.body().path("metadata").path("managedFields")) {
            if (e.path("manager").asString().equals("controller")) {
                entry = e;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.path("subresource").asString()).isEqualTo("status");
        assertThat(managers(status.body())).as("a status write leaves the object's owners alone").contains("alice/Apply");
        assertThat(entry.path("fieldsV1").toString()).isEqualTo("{\"f:status\":{\"f:replicas\":{}}}");

        ApiResponse scaled = h.registry.handle(Harness.request("PATCH", "fieldManager=hpa", json("{'spec':{'replicas':6}}"),
                Map.of("content-type", List.of("application/merge-patch+json"))), new Target(Fixtures.DEPLOYMENTS, "default", "web", "scale"));
        assertThat(scaled.status()).isEqualTo(200);
        JsonNode after = h.get(Fixtures.DEPLOYMENTS, "default", "web").body();
        assertThat(managers(after)).contains("hpa/Update");
        Harness.Answer conflict = apply(h, "alice", deployment(2, "nginx:1"), "");
        assertThat(conflict.message()).isEqualTo("Apply failed with 1 conflict: conflict with \"hpa\" with subresource \"scale\" using apps/v1: .spec.replicas");
    }

    @Test
    void anApplyToStatusChangesAndOwnsOnlyTheStatus() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        ApiResponse response = h.registry.handle(Harness.request("PATCH", "fieldManager=controller&force=true",
                json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':9},'status':{'replicas':2}}"),
                Map.of("content-type", List.of(APPLY))), new Target(Fixtures.DEPLOYMENTS, "default", "web", "status"));
        JsonNode body = Responses.JSON.readTree(((ApiResponse.Full) response).body());
        assertThat(response.status()).as(body.toString()).isEqualTo(200);
        assertThat(body.path("spec").path("replicas").asInt()).as("the spec is not the status endpoint's").isEqualTo(2);
        assertThat(body.path("status").path("replicas").asInt()).isEqualTo(2);
        JsonNode entry = body.path("metadata").path("managedFields").get(1);
        assertThat(entry.path("manager").asString()).isEqualTo("controller");
        assertThat(entry.path("subresource").asString()).isEqualTo("status");
        assertThat(entry.path("fieldsV1").toString()).isEqualTo("{\"f:status\":{\"f:replicas\":{}}}");
        ApiResponse missing = h.registry.handle(Harness.request("PATCH", "fieldManager=controller",
                json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nope'},'status':{'replicas':2}}"),
                Map.of("content-type", List.of(APPLY))), new Target(Fixtures.DEPLOYMENTS, "default", "nope", "status"));
        assertThat(missing.status()).as("no create on apply through status").isEqualTo(404);
    }

    @Test
    void anApplyIntoAMissingNamespaceIsNotFound() {
        Harness h = new Harness();
        ApiResponse response = h.registry.handle(Harness.request("PATCH", "fieldManager=a", deployment(1, "x"),
                Map.of("content-type", List.of(APPLY))), Target.object(Fixtures.DEPLOYMENTS, "nowhere", "web"));
        JsonNode body = Responses.JSON.readTree(((ApiResponse.Full) response).body());
        assertThat(response.status()).isEqualTo(404);
        assertThat(body.path("message").asString()).isEqualTo("namespaces \"nowhere\" not found");
    }

    @Test
    void aConfiguredNullUnsetsAFieldAndTheApplierOwnsIt() {
        Harness h = new Harness();
        apply(h, "alice", deployment(2, "nginx:1"), "");
        Harness.Answer a = apply(h, "alice", json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':null,"
                + "'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'app','image':'nginx:1'}]}}}}"), "");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().path("spec").path("replicas").asInt()).as("unset, then defaulted").isEqualTo(1);
    }

    @Test
    void reapplyingTheSameConfigurationWritesNothing() {
        Harness h = new Harness();
        String rv = apply(h, "alice", deployment(2, "nginx:1"), "").rv();
        Harness.Answer again = apply(h, "alice", deployment(2, "nginx:1"), "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.rv()).isEqualTo(rv);
    }

    @Test
    void aClusterScopedObjectIsCreatedByApply() {
        Harness h = new Harness();
        ApiResponse response = h.registry.handle(Harness.request("PATCH", "fieldManager=kubectl",
                json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'edge','labels':{'tier':'edge'}}}"),
                Map.of("content-type", List.of(APPLY))), Target.object(Fixtures.NAMESPACES, null, "edge"));
        JsonNode body = Responses.JSON.readTree(((ApiResponse.Full) response).body());
        assertThat(response.status()).as(body.toString()).isEqualTo(201);
        assertThat(body.path("status").path("phase").asString()).isEqualTo("Active");
        assertThat(body.path("metadata").path("managedFields").get(0).path("fieldsV1").toString())
                .isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:tier\":{}}}}");
    }

    record Bad(String name, String query, String contentType, String body, int status, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badApplies() {
        return Stream.of(
                new Bad("An apply body that is a list is a bad request", "fieldManager=a", APPLY, "[1,2]", 400, "BadRequest", "error decoding YAML"),
                new Bad("An apply body that is not YAML is a bad request", "fieldManager=a", APPLY, "{a: [", 400, "BadRequest", "error decoding YAML"),
                new Bad("An apply without a field manager is invalid", "", APPLY, deployment(1, "x"), 422, "Invalid",
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"),
                new Bad("An apply of another kind is a bad request", "fieldManager=a", APPLY,
                        json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'web'}}"), 400, "BadRequest", "invalid object type: /v1, Kind=ConfigMap"),
                new Bad("An apply carrying managedFields is a bad request", "fieldManager=a", APPLY,
                        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','managedFields':[]}}"), 400, "BadRequest",
                        "metadata.managedFields must be nil"),
                new Bad("An apply naming another object is a bad request", "fieldManager=a", APPLY,
                        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'other'}}"), 400, "BadRequest",
                        "the name of the object (other) does not match the name on the URL (web)"),
                new Bad("Duplicate keys in a map list are a bad request", "fieldManager=a", APPLY,
                        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}}"),
                        400, "BadRequest", "duplicate entries for key [name=\"a\"]"),
                new Bad("A field manager of more than 128 bytes is invalid", "fieldManager=" + "m".repeat(129), APPLY, deployment(1, "x"), 422, "Invalid",
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes"),
                new Bad("A field manager with a control character is invalid", "fieldManager=a\tb", APPLY, deployment(1, "x"), 422, "Invalid",
                        "invalid character U+0009 (at position 1)"),
                new Bad("A key-less element of a map list is a bad request", "fieldManager=a", APPLY,
                        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':{'spec':{'containers':[{'image':'a'}]}}}}"),
                        400, "BadRequest", "associative list with keys has an element that omits key field \"name\""),
                new Bad("Strict field validation refuses an unknown field", "fieldManager=a&fieldValidation=Strict", APPLY,
                        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicaz':1}}"),
                        400, "BadRequest", "unknown field \"spec.replicaz\""),
                new Bad("force on a merge patch is invalid", "force=true", "application/merge-patch+json", "{}", 422, "Invalid",
                        "force: Forbidden: may not be specified for non-apply patch"),
                new Bad("An apply as CBOR is an unsupported media type", "fieldManager=a", "application/apply-patch+cbor", "{}", 415,
                        "UnsupportedMediaType", "accepted media types include"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badApplies")
    void badInputIsAStatusAndNothingIsStored(Bad c) {
        Harness h = new Harness();
        Harness.Answer a = patch(h, "web", c.query(), c.contentType(), c.body());
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(c.status());
        assertThat(a.reason()).isEqualTo(c.reason());
        assertThat(a.message()).contains(c.message());
        assertThat(h.get(Fixtures.DEPLOYMENTS, "default", "web").status()).isEqualTo(404);
    }
}
