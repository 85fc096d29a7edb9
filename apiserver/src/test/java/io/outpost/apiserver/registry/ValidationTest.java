package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;

/** Creates through the registry: kube's 422 answers, defaults, dryRun and fieldValidation. */
class ValidationTest {

    static final String C = "'containers':[{'name':'c','image':'nginx'}]";
    static final String T = "'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{" + C + "}}";

    record Case(String name, ResourceType type, String body, String message, String field, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> invalid() {
        return Stream.of(
                new Case("A pod without an image is invalid", Fixtures.PODS, "{'metadata':{'name':'x'},'spec':{'containers':[{'name':'c'}]}}",
                        "Pod \"x\" is invalid: spec.containers[0].image: Required value", "spec.containers[0].image", "FieldValueRequired"),
                new Case("A pod without containers is invalid", Fixtures.PODS, "{'metadata':{'name':'x'},'spec':{}}",
                        "Pod \"x\" is invalid: spec.containers: Required value", "spec.containers", "FieldValueRequired"),
                new Case("Two containers may not share a name", Fixtures.PODS,
                        "{'metadata':{'name':'x'},'spec':{'containers':[{'name':'c','image':'a'},{'name':'c','image':'b'}]}}",
                        "spec.containers[1].name: Duplicate value: \"c\"", "spec.containers[1].name", "FieldValueDuplicate"),
                new Case("A container port above 65535 is invalid", Fixtures.PODS,
                        "{'metadata':{'name':'x'},'spec':{'containers':[{'name':'c','image':'a','ports':[{'containerPort':70000}]}]}}",
                        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "spec.containers[0].ports[0].containerPort", "FieldValueInvalid"),
                new Case("An unknown restart policy is not supported", Fixtures.PODS,
                        "{'metadata':{'name':'x'},'spec':{'restartPolicy':'Sometimes'," + C + "}}",
                        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                        "spec.restartPolicy", "FieldValueNotSupported"),
                new Case("An upper-case name is not a DNS subdomain", Fixtures.CONFIGMAPS, "{'metadata':{'name':'A'}}",
                        "metadata.name: Invalid value: \"A\": a lowercase RFC 1123 subdomain", "metadata.name", "FieldValueInvalid"),
                new Case("A label value with a space is invalid", Fixtures.CONFIGMAPS, "{'metadata':{'name':'a','labels':{'k':'a b'}}}",
                        "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string", "metadata.labels", "FieldValueInvalid"),
                new Case("A config key with a slash is invalid", Fixtures.CONFIGMAPS, "{'metadata':{'name':'a'},'data':{'a/b':'x'}}",
                        "data[a/b]: Invalid value: \"a/b\": a valid config key", "data[a/b]", "FieldValueInvalid"),
                new Case("A namespace name must be a DNS label", Fixtures.NAMESPACES, "{'metadata':{'name':'a.b'}}",
                        "Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label", "metadata.name", "FieldValueInvalid"),
                new Case("A deployment without a selector is invalid", Fixtures.DEPLOYMENTS,
                        "{'metadata':{'name':'d'},'spec':{'template':{'metadata':{'labels':{'app':'x'}},'spec':{" + C + "}}}}",
                        "Deployment.apps \"d\" is invalid: spec.selector: Required value", "spec.selector", "FieldValueRequired"),
                new Case("A selector that does not match the template's labels is invalid", Fixtures.DEPLOYMENTS,
                        "{'metadata':{'name':'d'},'spec':{'selector':{'matchLabels':{'app':'y'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{" + C + "}}}}",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`",
                        "spec.template.metadata.labels", "FieldValueInvalid"),
                new Case("A deployment's template is validated as a pod spec", Fixtures.DEPLOYMENTS,
                        "{'metadata':{'name':'d'},'spec':{'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c'}]}}}}",
                        "spec.template.spec.containers[0].image: Required value", "spec.template.spec.containers[0].image", "FieldValueRequired"),
                new Case("Negative replicas are invalid", Fixtures.DEPLOYMENTS, "{'metadata':{'name':'d'},'spec':{'replicas':-1," + T + "}}",
                        "spec.replicas: Invalid value: -1: must be greater than or equal to 0", "spec.replicas", "FieldValueInvalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidObjectsAre422WithKubesMessageAndCauses(Case c) {
        assertInvalid(c);
    }

    /** The create is 422 Invalid with the case's message, cause field and reason, and stores nothing. */
    static void assertInvalid(Case c) {
        Harness h = new Harness();
        long before = h.kv.count(c.type().keyPrefix());
        Harness.Answer a = h.create(c.type(), c.type().namespaced() ? "default" : null, json(c.body()));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(422);
        assertThat(a.reason()).isEqualTo("Invalid");
        assertThat(a.message()).contains(c.message());
        assertThat(a.body().path("details").path("causes").findValuesAsString("field")).contains(c.field());
        assertThat(a.body().path("details").path("causes").findValuesAsString("reason")).contains(c.reason());
        assertThat(h.kv.count(c.type().keyPrefix())).isEqualTo(before);
    }

    @Test
    void aPodGetsKubesDefaults() {
        Harness h = new Harness();
        var spec = h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx','ports':[{'containerPort':80}]}]}}"))
                .body().path("spec");
        assertThat(spec.path("restartPolicy").asString()).isEqualTo("Always");
        assertThat(spec.path("dnsPolicy").asString()).isEqualTo("ClusterFirst");
        assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(spec.path("schedulerName").asString()).isEqualTo("default-scheduler");
        assertThat(spec.path("enableServiceLinks").asBoolean()).isTrue();
        var container = spec.path("containers").get(0);
        assertThat(container.path("imagePullPolicy").asString()).isEqualTo("Always");
        assertThat(container.path("terminationMessagePath").asString()).isEqualTo("/dev/termination-log");
        assertThat(container.path("ports").get(0).path("protocol").asString()).isEqualTo("TCP");
    }

    @Test
    void aDeploymentGetsReplicasStrategyAndHistoryDefaults() {
        var spec = new Harness().create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{" + T + "}}")).body().path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(1);
        assertThat(spec.path("strategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
        assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(600);
        assertThat(spec.path("template").path("spec").path("restartPolicy").asString()).isEqualTo("Always");
    }

    @Test
    void aPodUpdateMayChangeTheImageButNotTheRestartPolicy() {
        Harness h = new Harness();
        // nginx:1 to nginx:2 keeps the defaulted imagePullPolicy (IfNotPresent); an untagged image would change it
        h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx:1'}]}}"));
        assertThat(h.put(Fixtures.PODS, "default", "p", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}")).status())
                .isEqualTo(200);
        Harness.Answer a = h.put(Fixtures.PODS, "default", "p",
                json("{'metadata':{'name':'p'},'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'nginx:2'}]}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).contains("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`");
    }

    @Test
    void aDeploymentsSelectorIsImmutable() {
        Harness h = new Harness();
        h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{" + T + "}}"));
        String moved = T.replace("'app':'x'", "'app':'y'");
        Harness.Answer a = h.put(Fixtures.DEPLOYMENTS, "default", "d", json("{'metadata':{'name':'d'},'spec':{" + moved + "}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).contains("spec.selector: Invalid value: ").contains("field is immutable");
    }

    @Test
    void aDryRunCreateAnswersTheObjectAndStoresNothing() {
        Harness h = new Harness();
        Harness.Answer a = h.call("POST", Target.collection(Fixtures.CONFIGMAPS, "default"), "dryRun=All", json("{'metadata':{'name':'a'}}"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.body().path("metadata").path("uid").asString()).isNotEmpty();
        assertThat(a.rv()).isEmpty();
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(404);
    }

    @Test
    void aDryRunUpdateLeavesTheStoredObject() {
        Harness h = new Harness();
        String rv = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'},'data':{'k':'1'}}")).rv();
        Harness.Answer a = h.call("PUT", Target.object(Fixtures.CONFIGMAPS, "default", "a"), "dryRun=All", json("{'metadata':{'name':'a'},'data':{'k':'2'}}"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("data").path("k").asString()).isEqualTo("2");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").body().path("data").path("k").asString()).isEqualTo("1");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").rv()).isEqualTo(rv);
    }

    @Test
    void anUnsupportedDryRunValueIsInvalidOptions() {
        Harness.Answer a = new Harness().call("POST", Target.collection(Fixtures.CONFIGMAPS, "default"), "dryRun=Some", json("{'metadata':{'name':'a'}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).isEqualTo("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: \"Some\": supported values: \"All\"");
    }

    record FieldCase(String name, String query, int status, String message, String warning, boolean stored) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FieldCase> fieldValidation() {
        return Stream.of(
                new FieldCase("Strict refuses an unknown field", "fieldValidation=Strict", 400,
                        "strict decoding error: unknown field \"spec.foo\"", null, false),
                new FieldCase("Warn drops it and says so in a Warning header", "fieldValidation=Warn", 201, "",
                        "299 - \"unknown field \\\"spec.foo\\\"\"", true),
                new FieldCase("No parameter means Warn, as kube-apiserver", "", 201, "", "299 - \"unknown field \\\"spec.foo\\\"\"", true),
                new FieldCase("Ignore drops it silently", "fieldValidation=Ignore", 201, "", null, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldValidation")
    void unknownFieldsFollowFieldValidation(FieldCase c) {
        Harness h = new Harness();
        Harness.Answer a = h.call("POST", Target.collection(Fixtures.PODS, "default"), c.query(),
                json("{'metadata':{'name':'p'},'spec':{'foo':1," + C + "}}"));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(c.status());
        assertThat(a.message()).isEqualTo(c.message());
        Map<String, String> headers = a.response().headers();
        assertThat(headers.get("Warning")).isEqualTo(c.warning());
        if (c.stored()) {
            assertThat(h.get(Fixtures.PODS, "default", "p").body().path("spec").has("foo")).isFalse();
        } else {
            assertThat(h.kv.count(Fixtures.PODS.keyPrefix())).isZero();
        }
    }

    @ParameterizedTest(name = "a patch: {0}")
    @MethodSource("fieldValidation")
    void unknownFieldsAPatchBringsFollowFieldValidation(FieldCase c) {
        Harness h = new Harness();
        String rv = h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{" + C + "}}")).rv();
        Harness.Answer a = h.patch(Fixtures.PODS, "default", "p", "application/merge-patch+json", c.query(),
                json("{'metadata':{'labels':{'a':'b'}},'spec':{'foo':1}}"));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(c.status() == 201 ? 200 : c.status());
        assertThat(a.message()).isEqualTo(c.message());
        assertThat(a.response().headers().get("Warning")).isEqualTo(c.warning());
        Harness.Answer stored = h.get(Fixtures.PODS, "default", "p");
        assertThat(stored.body().path("spec").has("foo")).isFalse();
        assertThat(stored.rv().equals(rv)).isEqualTo(!c.stored());
    }

}
