package io.outpost.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.Supplier;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * ValidatingAdmissionPolicy through the registry: policies and bindings stored, validated (CEL
 * must compile), and enforced on creates, updates, patches, status writes and deletes. Policies
 * reach the plugin through the watch caches, so each test waits for a probe request to be
 * refused before checking the exact answers.
 */
class ValidatingAdmissionPolicyTest {

    static final ResourceType POLICIES = Fixtures.TYPES.lookup("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies").orElseThrow();
    static final ResourceType BINDINGS = Fixtures.TYPES.lookup("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings").orElseThrow();

    private final Harness h = new Harness();

    /** Single quotes are JSON's double quotes; a backquote is a CEL single quote. */
    static String json(String text) {
        return Harness.json(text).replace('`', '\'');
    }

    @AfterEach
    void close() {
        h.registry.close();
    }

    static String pod(String name, String resources) {
        return json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'" + resources + "}]}}");
    }

    static final String NO_LIMITS = "";
    static final String LIMITS = ",'resources':{'limits':{'memory':'128Mi'}}";

    /** A policy on pods with one validation, and its binding with {@code actions}. */
    void policy(String name, String operations, String resources, String validation, String extraSpec, String bindingSpec) {
        Harness.Answer p = h.create(POLICIES, null, json("{'apiVersion':'admissionregistration.k8s.io/v1',"
                + "'kind':'ValidatingAdmissionPolicy','metadata':{'name':'" + name + "'},'spec':{" + extraSpec
                + "'matchConstraints':{'resourceRules':[{'apiGroups':[''],'apiVersions':['v1'],'operations':[" + operations
                + "],'resources':[" + resources + "]}]},'validations':[" + validation + "]}}"));
        assertThat(p.status()).as(p.body().toString()).isEqualTo(201);
        Harness.Answer b = h.create(BINDINGS, null, json("{'apiVersion':'admissionregistration.k8s.io/v1',"
                + "'kind':'ValidatingAdmissionPolicyBinding','metadata':{'name':'" + name + "-binding'},'spec':{'policyName':'"
                + name + "'," + bindingSpec + "}}"));
        assertThat(b.status()).as(b.body().toString()).isEqualTo(201);
    }

    static final String MEMORY = "{'expression':'object.spec.containers.all(c, has(c.resources) && has(c.resources.limits) "
            + "&& has(c.resources.limits.memory))','message':'every container at the edge must set a memory limit'}";

    /** Waits until the plugin has the policy: {@code probe} (a dry run) is refused. */
    static void awaitRefused(Supplier<Harness.Answer> probe) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> probe.get().status() >= 400);
    }

    Harness.Answer createPod(String query, String body) {
        return h.call("POST", Target.collection(Fixtures.PODS, "default"), query, body);
    }

    @Test
    void aPodWithoutMemoryLimitsIsDeniedWithThePolicysMessageAndNotStored() {
        policy("memory-limits", "'CREATE','UPDATE'", "'pods'", MEMORY, "", "'validationActions':['Deny']");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));

        Harness.Answer denied = createPod("", pod("nomem", NO_LIMITS));
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.reason()).isEqualTo("Invalid");
        assertThat(denied.message()).isEqualTo("pods \"nomem\" is forbidden: ValidatingAdmissionPolicy 'memory-limits' with binding "
                + "'memory-limits-binding' denied request: every container at the edge must set a memory limit");
        assertThat(denied.body().path("details").path("causes").get(0).path("message").asString())
                .startsWith("ValidatingAdmissionPolicy 'memory-limits'");
        assertThat(h.get(Fixtures.PODS, "default", "nomem").status()).isEqualTo(404);

        assertThat(createPod("", pod("withmem", LIMITS)).status()).isEqualTo(201);
        Harness.Answer update = h.put(Fixtures.PODS, "default", "withmem", pod("withmem", LIMITS).replace("\"web\"", "\"web2\""));
        assertThat(update.status()).as("an update that keeps the limits passes").isEqualTo(200);
    }

    @Test
    void aServerSideApplyGoesThroughThePolicy() {
        policy("memory-limits", "'CREATE','UPDATE'", "'pods'", MEMORY, "", "'validationActions':['Deny']");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));

        Harness.Answer applied = h.patch(Fixtures.PODS, "default", "applied", "application/apply-patch+yaml", "fieldManager=ops",
                pod("applied", NO_LIMITS));
        assertThat(applied.status()).isEqualTo(422);
        assertThat(applied.message()).contains("every container at the edge must set a memory limit");
        assertThat(h.get(Fixtures.PODS, "default", "applied").status()).isEqualTo(404);
    }

    @Test
    void aPatchGoesThroughThePolicy() {
        policy("no-debug", "'UPDATE'", "'configmaps'",
                "{'expression':'!has(object.data) || !(`debug` in object.data)','message':'no debug settings at the edge'}", "",
                "'validationActions':['Deny']");
        assertThat(h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'probe'}}")).status()).isEqualTo(201);
        awaitRefused(() -> h.patch(Fixtures.CONFIGMAPS, "default", "probe", "application/merge-patch+json", "dryRun=All",
                json("{'data':{'debug':'1'}}")));

        Harness.Answer patched = h.patch(Fixtures.CONFIGMAPS, "default", "probe", "application/merge-patch+json", "",
                json("{'data':{'debug':'1'}}"));
        assertThat(patched.status()).isEqualTo(422);
        assertThat(patched.message()).endsWith("denied request: no debug settings at the edge");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "probe").body().has("data")).isFalse();
    }

    @Test
    void aDeniedGenerateNameCreateIsNamedByTheGeneratedName() {
        policy("memory-limits", "'CREATE'", "'pods'", MEMORY, "", "'validationActions':['Deny']");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));
        Harness.Answer denied = createPod("", pod("x", NO_LIMITS).replace("\"name\":\"x\"", "\"generateName\":\"web-\""));
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.message()).matches("pods \"web-[a-z0-9]{5}\" is forbidden: ValidatingAdmissionPolicy 'memory-limits' .*");
    }

    @Test
    void aPolicyWhoseRuleDoesNotCompileIsRefusedWithTheCelErrorAndNotStored() {
        Harness.Answer a = h.create(POLICIES, null, json("{'apiVersion':'admissionregistration.k8s.io/v1','kind':'ValidatingAdmissionPolicy',"
                + "'metadata':{'name':'broken'},'spec':{'matchConstraints':{'resourceRules':[{'apiGroups':[''],'apiVersions':['v1'],"
                + "'operations':['CREATE'],'resources':['pods']}]},'validations':[{'expression':'object.spec.containers.all(c, '}]}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.reason()).isEqualTo("Invalid");
        JsonNode cause = a.body().path("details").path("causes").get(0);
        assertThat(cause.path("field").asString()).isEqualTo("spec.validations[0].expression");
        assertThat(cause.path("message").asString()).startsWith("Invalid value: \"object.spec.containers.all(c, \": compilation failed: "
                + "ERROR: <input>:1:");
        assertThat(a.message()).startsWith("ValidatingAdmissionPolicy.admissionregistration.k8s.io \"broken\" is invalid: "
                + "spec.validations[0].expression");
        assertThat(h.get(POLICIES, null, "broken").status()).isEqualTo(404);
    }

    @Test
    void policiesAndBindingsAreValidatedAndDefaulted() {
        Harness.Answer p = h.create(POLICIES, null, json("{'metadata':{'name':'p'},'spec':{'failurePolicy':'Sometimes',"
                + "'matchConstraints':{'resourceRules':[{'apiGroups':[''],'apiVersions':['v1'],'operations':['EXPLODE'],"
                + "'resources':['pods']}]},'validations':[{'expression':'true','reason':'Teapot'}]}}"));
        assertThat(p.status()).isEqualTo(422);
        assertThat(p.body().path("details").path("causes").findValuesAsString("field")).contains("spec.failurePolicy",
                "spec.matchConstraints.resourceRules[0].operations[0]", "spec.validations[0].reason");

        Harness.Answer b = h.create(BINDINGS, null, json("{'metadata':{'name':'b'},'spec':{'policyName':'p',"
                + "'validationActions':['Deny','Warn']}}"));
        assertThat(b.status()).isEqualTo(422);
        assertThat(b.message()).contains("must not contain both Deny and Warn");

        Harness.Answer ok = h.create(POLICIES, null, json("{'metadata':{'name':'ok'},'spec':{'matchConstraints':{'resourceRules':"
                + "[{'apiGroups':[''],'apiVersions':['v1'],'operations':['CREATE'],'resources':['pods']}]},"
                + "'validations':[{'expression':'true'}]}}"));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.body().path("spec").path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(ok.body().path("spec").path("matchConstraints").path("matchPolicy").asString()).isEqualTo("Equivalent");
        assertThat(ok.body().path("spec").path("matchConstraints").path("resourceRules").get(0).path("scope").asString()).isEqualTo("*");
    }

    @Test
    void warnAdmitsTheRequestWithAWarningHeader() {
        policy("warn-memory", "'CREATE'", "'pods'", MEMORY, "", "'validationActions':['Warn','Audit']");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> warning(createPod("dryRun=All", pod("probe", NO_LIMITS))) != null);
        Harness.Answer a = createPod("", pod("warned", NO_LIMITS));
        assertThat(a.status()).isEqualTo(201);
        assertThat(warning(a)).isEqualTo("299 - \"Validation failed for ValidatingAdmissionPolicy 'warn-memory' with binding "
                + "'warn-memory-binding': every container at the edge must set a memory limit\"");
    }

    private static String warning(Harness.Answer a) {
        return a.response() instanceof ApiResponse.Full f ? f.headers().get("Warning") : null;
    }

    @Test
    void theValidationsReasonSetsTheCodeAndMessageExpressionTheMessage() {
        policy("no-privileged", "'CREATE'", "'pods'", "{'expression':'!object.spec.containers.exists(c, "
                + "c.?securityContext.?privileged.orValue(false))','reason':'Forbidden','messageExpression':"
                + "\"`pod ` + object.metadata.name + ` runs a privileged container`\"}", "", "'validationActions':['Deny']");
        String privileged = pod("priv", ",'securityContext':{'privileged':true}");
        awaitRefused(() -> createPod("dryRun=All", privileged));
        Harness.Answer a = createPod("", privileged);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.reason()).isEqualTo("Forbidden");
        assertThat(a.message()).endsWith("denied request: pod priv runs a privileged container");
        assertThat(createPod("", pod("plain", NO_LIMITS)).status()).isEqualTo(201);
    }

    @Test
    void aRuntimeErrorDeniesUnderFailAndIsIgnoredUnderIgnore() {
        String failing = "{'expression':'object.spec.hostNetwork == false'}";
        policy("strict", "'CREATE'", "'pods'", failing, "", "'validationActions':['Deny']");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));
        Harness.Answer a = createPod("", pod("p1", NO_LIMITS));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).contains("denied request: expression 'object.spec.hostNetwork == false' resulted in error:");

        assertThat(h.delete(BINDINGS, null, "strict-binding", null).status()).isEqualTo(200);
        policy("lenient", "'CREATE'", "'pods'", failing + "," + MEMORY, "'failurePolicy':'Ignore',", "'validationActions':['Deny']");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));
        Harness.Answer b = createPod("", pod("p2", NO_LIMITS));
        assertThat(b.message()).contains("ValidatingAdmissionPolicy 'lenient'").contains("must set a memory limit")
                .doesNotContain("resulted in error");
        assertThat(createPod("", pod("p3", LIMITS)).status()).isEqualTo(201);
    }

    @Test
    void paramsComeFromTheBindingsParamRefAndAMissingOneDenies() {
        policy("max-containers", "'CREATE'", "'pods'", "{'expression':'size(object.spec.containers) <= int(params.data.max)',"
                        + "'messageExpression':\"`at most ` + params.data.max + ` containers`\"}",
                "'paramKind':{'apiVersion':'v1','kind':'ConfigMap'},",
                "'validationActions':['Deny'],'paramRef':{'name':'limits','namespace':'default'}");
        awaitRefused(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)));
        Harness.Answer missing = createPod("", pod("p", NO_LIMITS));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.message()).endsWith("denied request: failed to configure binding: no params found for policy binding "
                + "with `Deny` parameterNotFoundAction");

        assertThat(h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'limits'},'data':{'max':'0'}}")).status())
                .isEqualTo(201);
        awaitRefused(() -> {
            Harness.Answer probe = createPod("dryRun=All", pod("probe", NO_LIMITS));
            return probe.message().contains("at most 0 containers") ? probe : new Harness.Answer(201, probe.body(), probe.response());
        });
        assertThat(h.patch(Fixtures.CONFIGMAPS, "default", "limits", "application/merge-patch+json", "",
                json("{'data':{'max':'1'}}")).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> createPod("dryRun=All", pod("probe", NO_LIMITS)).status() == 201);
    }

    @Test
    void matchConditionsAndTheBindingsNamespaceSelectorNarrowWhatIsChecked() {
        policy("edge-only", "'CREATE'", "'pods'", MEMORY, "'matchConditions':[{'name':'not-exempt',"
                        + "'expression':\"!has(object.metadata.labels) || !(`exempt` in object.metadata.labels)\"}],",
                "'validationActions':['Deny'],'matchResources':{'namespaceSelector':{'matchLabels':{'tier':'edge'}}}");
        assertThat(h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'edge','labels':{'tier':'edge'}}}")).status())
                .isEqualTo(201);
        awaitRefused(() -> h.call("POST", Target.collection(Fixtures.PODS, "edge"), "dryRun=All", pod("probe", NO_LIMITS)));
        assertThat(h.call("POST", Target.collection(Fixtures.PODS, "edge"), "", pod("a", NO_LIMITS)).status()).isEqualTo(422);
        assertThat(createPod("", pod("b", NO_LIMITS)).status()).as("default has no tier label").isEqualTo(201);
        String exempt = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'c','labels':{'exempt':'yes'}},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}");
        assertThat(h.call("POST", Target.collection(Fixtures.PODS, "edge"), "", exempt).status()).isEqualTo(201);
    }

    @Test
    void aPatchIsCheckedAgainstTheOldObject() {
        assertThat(createPod("", pod("keep", NO_LIMITS)).status()).isEqualTo(201);
        policy("app-immutable", "'UPDATE'", "'pods'", "{'expression':'object.metadata.labels.app == oldObject.metadata.labels.app',"
                + "'message':'the app label is immutable'}", "", "'validationActions':['Deny']");
        String patch = json("{'metadata':{'labels':{'app':'other'}}}");
        awaitRefused(() -> h.patch(Fixtures.PODS, "default", "keep", "application/merge-patch+json", "dryRun=All", patch));
        Harness.Answer a = h.patch(Fixtures.PODS, "default", "keep", "application/merge-patch+json", "", patch);
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).endsWith("the app label is immutable");
        assertThat(h.get(Fixtures.PODS, "default", "keep").body().path("metadata").path("labels").path("app").asString()).isEqualTo("web");
        assertThat(h.patch(Fixtures.PODS, "default", "keep", "application/merge-patch+json", "",
                json("{'metadata':{'labels':{'other':'x'}}}")).status()).isEqualTo(200);
    }

    @Test
    void aSubresourceRuleMatchesOnlyThatSubresource() {
        assertThat(createPod("", pod("s", NO_LIMITS)).status()).isEqualTo(201);
        policy("status-guard", "'UPDATE'", "'pods/status'", "{'expression':\"object.status.?phase.orValue(``) != `Failed`\","
                + "'message':'no failing here'}", "", "'validationActions':['Deny']");
        String status = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'s','namespace':'default'},'status':{'phase':'Failed'}}");
        awaitRefused(() -> h.call("PUT", new Target(Fixtures.PODS, "default", "s", "status"), "dryRun=All", status));
        Harness.Answer a = h.call("PUT", new Target(Fixtures.PODS, "default", "s", "status"), "", status);
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).endsWith("no failing here");
        assertThat(h.put(Fixtures.PODS, "default", "s", json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'s',"
                + "'labels':{'x':'y'}},'spec':{'containers':[{'name':'c','image':'nginx'}]},'status':{'phase':'Failed'}}")).status())
                .as("the main resource is not matched by pods/status").isEqualTo(200);
    }

    @Test
    void aDeleteIsCheckedWithTheOldObject() {
        assertThat(h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'precious','labels':{'protected':'true'}}}"))
                .status()).isEqualTo(201);
        Harness.Answer p = h.create(POLICIES, null, json("{'metadata':{'name':'protect'},'spec':{'matchConstraints':{'resourceRules':"
                + "[{'apiGroups':[''],'apiVersions':['v1'],'operations':['DELETE'],'resources':['configmaps']}],"
                + "'objectSelector':{'matchLabels':{'protected':'true'}}},'validations':[{'expression':'object == null && "
                + "request.operation == `DELETE` && false','message':'protected'}]}}"));
        assertThat(p.status()).as(p.body().toString()).isEqualTo(201);
        assertThat(h.create(BINDINGS, null, json("{'metadata':{'name':'protect'},'spec':{'policyName':'protect',"
                + "'validationActions':['Deny']}}")).status()).isEqualTo(201);
        awaitRefused(() -> h.call("DELETE", Target.object(Fixtures.CONFIGMAPS, "default", "precious"), "dryRun=All", null));
        Harness.Answer a = h.delete(Fixtures.CONFIGMAPS, "default", "precious", null);
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).isEqualTo("configmaps \"precious\" is forbidden: ValidatingAdmissionPolicy 'protect' with binding "
                + "'protect' denied request: protected");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "precious").status()).isEqualTo(200);
        assertThat(h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'plain'}}")).status()).isEqualTo(201);
        assertThat(h.delete(Fixtures.CONFIGMAPS, "default", "plain", null).status()).isEqualTo(200);
    }
}
