package io.outpost.apiserver.admission.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class MatchingTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ResourceTypes TYPES = ResourceTypes.builtIns();
    static final ResourceType PODS = TYPES.lookup("", "v1", "pods").orElseThrow();
    static final ResourceType NODES = TYPES.lookup("", "v1", "nodes").orElseThrow();
    static final ResourceType DEPLOYMENTS = TYPES.lookup("apps", "v1", "deployments").orElseThrow();
    static final ResourceType NAMESPACES = TYPES.lookup("", "v1", "namespaces").orElseThrow();

    static JsonNode tree(String text) {
        return JSON.readTree(text.replace('\'', '"'));
    }

    static AdmissionAttributes request(Operation op, ResourceType type, String subresource, String name, String labels) {
        ObjectNode object = (ObjectNode) tree("{'metadata':{'name':'" + name + "','labels':" + labels + "}}");
        return new AdmissionAttributes(op, type, subresource, type.namespaced() ? "default" : "", name,
                op == Operation.DELETE ? null : object, op == Operation.CREATE ? null : object,
                new UserInfo("alice", List.of("system:authenticated")), false, null);
    }

    record Case(String sentence, String match, AdmissionAttributes request, Map<String, String> namespaceLabels, boolean matches) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static String rules(String resources) {
        return "{'resourceRules':[{'apiGroups':['','apps'],'apiVersions':['v1'],'operations':['*'],'resources':[" + resources + "]}]}";
    }

    static Stream<Case> cases() {
        AdmissionAttributes podCreate = request(Operation.CREATE, PODS, "", "web", "{'app':'web'}");
        AdmissionAttributes podStatus = request(Operation.UPDATE, PODS, "status", "web", "{'app':'web'}");
        AdmissionAttributes nodeUpdate = request(Operation.UPDATE, NODES, "", "n1", "{}");
        AdmissionAttributes deploymentDelete = request(Operation.DELETE, DEPLOYMENTS, "", "api", "{'tier':'edge'}");
        AdmissionAttributes namespaceCreate = request(Operation.CREATE, NAMESPACES, "", "edge", "{'tier':'edge'}");
        Map<String, String> edge = Map.of("tier", "edge");
        return Stream.of(
                new Case("'pods' matches a pod", rules("'pods'"), podCreate, null, true),
                new Case("'pods' does not match pods/status", rules("'pods'"), podStatus, null, false),
                new Case("'pods/status' matches pods/status", rules("'pods/status'"), podStatus, null, true),
                new Case("'pods/*' matches every subresource of pods", rules("'pods/*'"), podStatus, null, true),
                new Case("'pods/*' matches the pod itself too, as kube's matcher does", rules("'pods/*'"), podCreate, null, true),
                new Case("'*' matches every resource", rules("'*'"), nodeUpdate, null, true),
                new Case("'*' does not match subresources", rules("'*'"), podStatus, null, false),
                new Case("'*/status' matches the status of anything", rules("'*/status'"), podStatus, null, true),
                new Case("'*/*' matches everything", rules("'*/*'"), podStatus, null, true),
                new Case("another operation does not match",
                        "{'resourceRules':[{'apiGroups':[''],'apiVersions':['v1'],'operations':['CREATE'],'resources':['pods']}]}",
                        podStatus, null, false),
                new Case("another group does not match",
                        "{'resourceRules':[{'apiGroups':['apps'],'apiVersions':['v1'],'operations':['*'],'resources':['*']}]}",
                        podCreate, null, false),
                new Case("a Namespaced scope leaves out cluster-scoped nodes",
                        "{'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],'operations':['*'],'resources':['*'],'scope':'Namespaced'}]}",
                        nodeUpdate, null, false),
                new Case("resourceNames narrow to those names",
                        "{'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],'operations':['*'],'resources':['*'],'resourceNames':['other']}]}",
                        podCreate, null, false),
                new Case("an exclude rule wins over a resource rule",
                        "{'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],'operations':['*'],'resources':['*']}],"
                                + "'excludeResourceRules':[{'apiGroups':[''],'apiVersions':['v1'],'operations':['CREATE'],'resources':['pods']}]}",
                        podCreate, null, false),
                new Case("a binding without resource rules matches everything", "{}", deploymentDelete, null, true),
                new Case("the object selector sees the old object of a delete",
                        "{'objectSelector':{'matchLabels':{'tier':'edge'}}}", deploymentDelete, null, true),
                new Case("the object selector leaves out unlabelled objects",
                        "{'objectSelector':{'matchLabels':{'tier':'edge'}}}", podCreate, null, false),
                new Case("the namespace selector reads the namespace's labels",
                        "{'namespaceSelector':{'matchLabels':{'tier':'edge'}}}", podCreate, edge, true),
                new Case("the namespace selector leaves out other namespaces",
                        "{'namespaceSelector':{'matchExpressions':[{'key':'tier','operator':'In','values':['edge']}]}}", podCreate,
                        Map.of(), false),
                new Case("the namespace selector passes cluster-scoped resources",
                        "{'namespaceSelector':{'matchLabels':{'tier':'edge'}}}", nodeUpdate, null, true),
                new Case("a namespace is matched on its own labels",
                        "{'namespaceSelector':{'matchLabels':{'tier':'edge'}}}", namespaceCreate, null, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(Case c) {
        assertThat(Matching.matches(tree(c.match()), c.request(), c.namespaceLabels())).isEqualTo(c.matches());
    }
}
