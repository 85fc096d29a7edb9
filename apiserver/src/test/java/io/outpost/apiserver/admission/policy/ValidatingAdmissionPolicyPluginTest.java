package io.outpost.apiserver.admission.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.UserInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The plugin over an in-memory object source: evaluation and decisions, no server. */
class ValidatingAdmissionPolicyPluginTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ResourceTypes TYPES = ResourceTypes.builtIns();
    static final ResourceType POLICIES = TYPES.lookup("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies").orElseThrow();
    static final ResourceType BINDINGS = TYPES.lookup("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings").orElseThrow();
    static final ResourceType NAMESPACES = TYPES.lookup("", "v1", "namespaces").orElseThrow();
    static final ResourceType CONFIGMAPS = TYPES.lookup("", "v1", "configmaps").orElseThrow();
    static final ResourceType PODS = TYPES.lookup("", "v1", "pods").orElseThrow();

    /** Objects by type and key, each write a new revision. */
    static final class Objects implements ObjectSource {
        final Map<ResourceType, Map<String, Item>> byType = new LinkedHashMap<>();
        long revision;

        Objects put(ResourceType type, String json) {
            ObjectNode object = (ObjectNode) JSON.readTree(json.replace('\'', '"').replace('`', '\''));
            new PolicyValidation().applyDefaults(object);
            String key = object.path("metadata").path("namespace").asString("") + "/" + object.path("metadata").path("name").asString();
            byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(key, new Item(object, ++revision));
            return this;
        }

        @Override
        public Listing list(ResourceType type) {
            return new Listing(new ArrayList<>(byType.getOrDefault(type, Map.of()).values()), revision);
        }

        @Override
        public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
            return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(namespace + "/" + name)).map(Item::object);
        }

        @Override
        public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
            return TYPES.all().stream().filter(t -> t.kind().apiVersion().equals(apiVersion) && t.kind().kind().equals(kind)).findFirst();
        }
    }

    final Objects objects = new Objects().put(NAMESPACES, "{'metadata':{'name':'default','labels':{'region':'eu'}}}");
    final ValidatingAdmissionPolicyPlugin plugin = new ValidatingAdmissionPolicyPlugin(objects, POLICIES, BINDINGS, NAMESPACES);

    void policy(String name, String specExtra) {
        objects.put(POLICIES, "{'metadata':{'name':'" + name + "'},'spec':{'matchConstraints':{'resourceRules':[{'apiGroups':[''],"
                + "'apiVersions':['v1'],'operations':['CREATE','UPDATE'],'resources':['configmaps']}]}," + specExtra + "}}");
    }

    void binding(String name, String policy, String specExtra) {
        objects.put(BINDINGS, "{'metadata':{'name':'" + name + "'},'spec':{'policyName':'" + policy + "'," + specExtra + "}}");
    }

    static AdmissionAttributes create(String configMap) {
        ObjectNode object = (ObjectNode) JSON.readTree(configMap.replace('\'', '"'));
        return new AdmissionAttributes(Operation.CREATE, CONFIGMAPS, "", "default", object.path("metadata").path("name").asString(),
                object, null, new UserInfo("alice", List.of("devs", "system:authenticated")), false, null);
    }

    List<String> admit(AdmissionAttributes a) {
        List<String> warnings = new ArrayList<>();
        plugin.validate(a, warnings);
        return warnings;
    }

    @Test
    void requestNamespaceObjectAndVariablesAreAvailable() {
        policy("who", "'variables':[{'name':'team','expression':'object.data.team'}],'validations':[{'expression':"
                + "\"request.userInfo.username == `alice` && `devs` in request.userInfo.groups && request.operation == `CREATE` "
                + "&& namespaceObject.metadata.labels.region == `eu` && variables.team == `edge`\",'message':'not allowed'}]");
        binding("who", "who", "'validationActions':['Deny']");
        assertThat(admit(create("{'metadata':{'name':'a'},'data':{'team':'edge'}}"))).isEmpty();
        assertThatThrownBy(() -> admit(create("{'metadata':{'name':'b'},'data':{'team':'core'}}")))
                .isInstanceOfSatisfying(AdmissionDenied.class, d -> {
                    assertThat(d.code()).isEqualTo(422);
                    assertThat(d.getMessage()).isEqualTo("configmaps \"b\" is forbidden: ValidatingAdmissionPolicy 'who' with binding "
                            + "'who' denied request: not allowed");
                });
    }

    @Test
    void aSelectorEvaluatesEveryMatchingParamAndNoneMatchingFollowsParameterNotFoundAction() {
        policy("quota", "'paramKind':{'apiVersion':'v1','kind':'ConfigMap'},'validations':[{'expression':"
                + "\"!(`forbidden` in object.data) || object.data.forbidden != params.data.value\",'messageExpression':"
                + "\"`value ` + params.data.value + ` is forbidden`\"}]");
        binding("quota", "quota", "'validationActions':['Deny'],'paramRef':{'selector':{'matchLabels':{'role':'rule'}},"
                + "'parameterNotFoundAction':'Allow'}");
        assertThat(admit(create("{'metadata':{'name':'x'},'data':{'forbidden':'a'}}"))).as("no params: Allow").isEmpty();
        objects.put(CONFIGMAPS, "{'metadata':{'name':'r1','namespace':'default','labels':{'role':'rule'}},'data':{'value':'a'}}");
        objects.put(CONFIGMAPS, "{'metadata':{'name':'r2','namespace':'default','labels':{'role':'rule'}},'data':{'value':'b'}}");
        objects.put(CONFIGMAPS, "{'metadata':{'name':'r3','namespace':'other','labels':{'role':'rule'}},'data':{'value':'c'}}");
        assertThatThrownBy(() -> admit(create("{'metadata':{'name':'x'},'data':{'forbidden':'b'}}")))
                .hasMessageEndingWith("denied request: value b is forbidden");
        assertThat(admit(create("{'metadata':{'name':'x'},'data':{'forbidden':'c'}}"))).as("r3 is in another namespace").isEmpty();
    }

    @Test
    void auditOnlyAdmitsWithoutWarningsAndABindingToAMissingPolicyIsIgnored() {
        policy("audit", "'validations':[{'expression':'false'}],'auditAnnotations':[{'key':'who','valueExpression':'request.userInfo.username'}]");
        binding("audit", "audit", "'validationActions':['Audit']");
        binding("ghost", "no-such-policy", "'validationActions':['Deny']");
        assertThat(admit(create("{'metadata':{'name':'a'}}"))).isEmpty();
    }

    @Test
    void aFalseMatchConditionSkipsThePolicyAndAFailingOneFollowsTheFailurePolicy() {
        policy("cond", "'failurePolicy':'Ignore','matchConditions':[{'name':'labelled','expression':'object.metadata.labels.check == `yes`'}],"
                + "'validations':[{'expression':'false','message':'checked'}]");
        binding("cond", "cond", "'validationActions':['Warn']");
        assertThat(admit(create("{'metadata':{'name':'a','labels':{'check':'no'}}}"))).isEmpty();
        assertThat(admit(create("{'metadata':{'name':'a'}}"))).as("no labels: an error, ignored").isEmpty();
        assertThat(admit(create("{'metadata':{'name':'a','labels':{'check':'yes'}}}")))
                .containsExactly("Validation failed for ValidatingAdmissionPolicy 'cond' with binding 'cond': checked");
    }

    @Test
    void aVariableThatFailsIsAnErrorOnlyWhereItIsRead() {
        policy("vars", "'variables':[{'name':'missing','expression':'object.data.nothere'},"
                + "{'name':'derived','expression':'variables.missing + `x`'},{'name':'name','expression':'object.metadata.name'}],"
                + "'validations':[{'expression':'variables.name != `blocked`','message':'blocked'}]");
        binding("vars", "vars", "'validationActions':['Deny']");
        assertThat(admit(create("{'metadata':{'name':'a'},'data':{}}"))).isEmpty();
        assertThatThrownBy(() -> admit(create("{'metadata':{'name':'blocked'},'data':{}}"))).hasMessageEndingWith("denied request: blocked");

        policy("vars", "'variables':[{'name':'missing','expression':'object.data.nothere'},"
                + "{'name':'derived','expression':'variables.missing + `x`'}],'validations':[{'expression':'variables.derived == `x`'}]");
        assertThatThrownBy(() -> admit(create("{'metadata':{'name':'a'},'data':{}}")))
                .hasMessageContaining("denied request: expression 'variables.derived == 'x'' resulted in error: variable 'missing' "
                        + "resulted in error:");
    }

    @Test
    void aPolicyIsRecompiledWhenItChanges() {
        policy("p", "'validations':[{'expression':'true'}]");
        binding("p", "p", "'validationActions':['Deny']");
        assertThat(admit(create("{'metadata':{'name':'a'}}"))).isEmpty();
        policy("p", "'validations':[{'expression':'false','message':'now closed'}]");
        assertThatThrownBy(() -> admit(create("{'metadata':{'name':'a'}}"))).hasMessageEndingWith("now closed");
    }

    @Test
    void requestsForOtherResourcesAreNotEvaluated() {
        policy("p", "'validations':[{'expression':'object.no.such.field'}]");
        binding("p", "p", "'validationActions':['Deny']");
        ObjectNode pod = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\"}}");
        List<String> warnings = new ArrayList<>();
        plugin.validate(new AdmissionAttributes(Operation.CREATE, PODS, "", "default", "p", pod, null,
                new UserInfo("alice", List.of()), false, null), warnings);
        assertThat(warnings).isEmpty();
    }
}
