package io.outpost.apiserver.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class StrategicMergePatchTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final PatchStrategies POD = BuiltinPatchStrategies.forKind("", "Pod");
    private static final PatchStrategies DEPLOYMENT = BuiltinPatchStrategies.forKind("apps", "Deployment");

    record Case(String description, PatchStrategies kind, String live, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Objects merge and null deletes a key", POD,
                        "{'metadata':{'labels':{'a':'1','b':'2'}}}",
                        "{'metadata':{'labels':{'a':null,'c':'3'}}}",
                        "{'metadata':{'labels':{'b':'2','c':'3'}}}"),
                new Case("Containers merge by name, keeping unpatched fields and containers", POD,
                        "{'spec':{'containers':[{'name':'a','image':'x:1','ports':[{'containerPort':80}]},{'name':'b','image':'y:1'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'x:2'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'x:2','ports':[{'containerPort':80}]},{'name':'b','image':'y:1'}]}}"),
                new Case("Without $setElementOrder a new container goes before live-only ones, as in kube", POD,
                        "{'spec':{'containers':[{'name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'b'},{'name':'a'}]}}"),
                new Case("With kubectl's $setElementOrder a new container is appended", POD,
                        "{'spec':{'containers':[{'name':'a'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}"),
                new Case("Env merges by name inside a merged container", POD,
                        "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]}}",
                        "{'spec':{'containers':[{'name':'a','env':[{'name':'Y','value':'3'}]}]}}",
                        "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'3'}]}]}}"),
                new Case("Container ports merge by containerPort", POD,
                        "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http'}]}]}}",
                        "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443}]}]}}",
                        "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':443}]}]}}"),
                new Case("Tolerations have no strategy and are replaced whole", POD,
                        "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}]}}",
                        "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}",
                        "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}"),
                new Case("A list of an unknown field is replaced whole", PatchStrategies.NONE,
                        "{'spec':{'items':[1,2]}}", "{'spec':{'items':[3]}}", "{'spec':{'items':[3]}}"),
                new Case("Finalizers merge as a set", POD,
                        "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}",
                        "{'metadata':{'finalizers':['a','b','c']}}"),
                new Case("$deleteFromPrimitiveList removes finalizers", POD,
                        "{'metadata':{'finalizers':['a','b','c']}}",
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}",
                        "{'metadata':{'finalizers':['a','c']}}"),
                new Case("$deleteFromPrimitiveList on a missing list does nothing", POD,
                        "{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}", "{'metadata':{}}"),
                new Case("$patch delete in a list removes the element with that key", POD,
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'$patch':'delete','name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b'}]}}"),
                new Case("$patch replace in a list makes the patch the whole list", POD,
                        "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'c'},{'$patch':'replace'}]}}",
                        "{'spec':{'containers':[{'name':'c'}]}}"),
                new Case("$patch replace on an object replaces it instead of merging", POD,
                        "{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'replace','b':'2'}}}",
                        "{'metadata':{'labels':{'b':'2'}}}"),
                new Case("$patch delete on an object empties it", POD,
                        "{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'delete'}}}",
                        "{'metadata':{'labels':{}}}"),
                new Case("$retainKeys clears the fields of a deployment strategy not listed", DEPLOYMENT,
                        "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
                        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
                        "{'spec':{'strategy':{'type':'Recreate'}}}"),
                new Case("$retainKeys on a volume swaps its source", POD,
                        "{'spec':{'volumes':[{'name':'v','emptyDir':{}}]}}",
                        "{'spec':{'volumes':[{'$retainKeys':['configMap','name'],'name':'v','configMap':{'name':'c'}}]}}",
                        "{'spec':{'volumes':[{'name':'v','configMap':{'name':'c'}}]}}"),
                new Case("$setElementOrder puts patched containers in its order", POD,
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b'},{'name':'a'}]}}"),
                new Case("$setElementOrder keeps a live-only element before a patched one that followed it", POD,
                        "{'spec':{'containers':[{'name':'s'},{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'b','image':'i'}]}}",
                        "{'spec':{'containers':[{'name':'s'},{'name':'b','image':'i'},{'name':'a'}]}}"),
                new Case("$setElementOrder orders a primitive list", POD,
                        "{'metadata':{'finalizers':['a','b']}}",
                        "{'metadata':{'$setElementOrder/finalizers':['c','b','a'],'finalizers':['c']}}",
                        "{'metadata':{'finalizers':['c','b','a']}}"),
                new Case("Directives in a list the live object lacks never reach the result", POD,
                        "{'spec':{}}",
                        "{'spec':{'containers':[{'name':'a'},{'$patch':'delete','name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'a'}]}}"),
                new Case("A service's ports merge by port", BuiltinPatchStrategies.forKind("", "Service"),
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':9090}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}"),
                new Case("Node conditions merge by type", BuiltinPatchStrategies.forKind("", "Node"),
                        "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'DiskPressure','status':'False'}]}}",
                        "{'status':{'conditions':[{'type':'Ready','status':'False'}]}}",
                        "{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'DiskPressure','status':'False'}]}}"),
                new Case("A cordon patch sets unschedulable", BuiltinPatchStrategies.forKind("", "Node"),
                        "{'spec':{'podCIDR':'10.0.0.0/24'}}", "{'spec':{'unschedulable':true}}",
                        "{'spec':{'podCIDR':'10.0.0.0/24','unschedulable':true}}"),
                new Case("A value of another type replaces the live one", POD,
                        "{'spec':{'x':{'a':1}}}", "{'spec':{'x':[1]}}", "{'spec':{'x':[1]}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appliesLikeKube(Case c) {
        JsonNode live = json(c.live());

        JsonNode result = smp(live, c.patch(), c.kind());

        assertThat(result).isEqualTo(json(c.expected()));
        assertThat(live).as("the live tree is untouched").isEqualTo(json(c.live()));
    }

    /** The second `kubectl apply` of the wire contract: image and replicas changed, the sidecar removed. */
    @Test
    void theSecondKubectlApplyUpdatesTheDeployment() {
        JsonNode live = json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'x','namespace':'default','resourceVersion':'12',
                   'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'old'}},
                 'spec':{'replicas':2,'selector':{'matchLabels':{'app':'x'}},
                   'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},
                   'template':{'metadata':{'labels':{'app':'x'}},
                     'spec':{'containers':[
                       {'name':'app','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'}],'imagePullPolicy':'IfNotPresent'},
                       {'name':'sidecar','image':'busybox','command':['sleep','3600']}],
                       'restartPolicy':'Always'}}}}""");
        String patch = """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new"}},
                 "spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],
                   "containers":[{"image":"nginx:1.26","name":"app"},{"$patch":"delete","name":"sidecar"}]}}}}""";

        JsonNode result = Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, live, patch.getBytes(StandardCharsets.UTF_8), DEPLOYMENT);

        assertThat(result).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'x','namespace':'default','resourceVersion':'12',
                   'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'new'}},
                 'spec':{'replicas':3,'selector':{'matchLabels':{'app':'x'}},
                   'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},
                   'template':{'metadata':{'labels':{'app':'x'}},
                     'spec':{'containers':[
                       {'name':'app','image':'nginx:1.26','ports':[{'containerPort':80,'protocol':'TCP'}],'imagePullPolicy':'IfNotPresent'}],
                       'restartPolicy':'Always'}}}}"""));
    }

    record Refusal(String description, String patch, int code, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("A patch that is not an object is a bad request", "[]", 400,
                        "json: cannot unmarshal array into Go value of type map[string]interface {}"),
                new Refusal("A patch key missing from $retainKeys is a bad request",
                        "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{}}}}", 400, "invalid patch format of retainKeys"),
                new Refusal("$retainKeys that is not a list is a bad request",
                        "{'spec':{'strategy':{'$retainKeys':'type'}}}", 400, "invalid patch format of retainKeys"),
                new Refusal("$deleteFromPrimitiveList of no list is a bad request",
                        "{'metadata':{'$deleteFromPrimitiveListfinalizers':['a']}}", 400, "invalid patch format of primitive list"),
                new Refusal("A list of lists is unprocessable",
                        "{'spec':{'template':{'spec':{'containers':[[1]]}}}}", 422,
                        "the server rejected our request due to an error in our request"),
                new Refusal("A merged element without its merge key is refused with kube's text",
                        "{'spec':{'template':{'spec':{'containers':[{'image':'nginx'}]}}}}", 500,
                        "map: map[image:nginx] does not contain declared merge key: name"),
                new Refusal("An unknown $patch directive is refused",
                        "{'metadata':{'labels':{'$patch':'frob'}}}", 500, "unknown patch type: frob in map: map[$patch:frob]"),
                new Refusal("$setElementOrder that disagrees with the patch list is refused",
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'b'}]}}}}", 500,
                        "The order in patch list:\n[map[name:b]]\n doesn't match $setElementOrder list:\n[map[name:a]]\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesAsKubeDoes(Refusal r) {
        JsonNode live = json("{'spec':{'strategy':{'type':'Recreate'},'template':{'spec':{'containers':[{'name':'a'}]}}}}");

        assertThatThrownBy(() -> smp(live, r.patch(), DEPLOYMENT))
                .isInstanceOfSatisfying(PatchException.class, e -> {
                    assertThat(e.code()).isEqualTo(r.code());
                    assertThat(e.getMessage()).isEqualTo(r.message());
                });
    }

    private static JsonNode smp(JsonNode live, String patch, PatchStrategies kind) {
        return Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, live, patch.replace('\'', '"').getBytes(StandardCharsets.UTF_8), kind);
    }

    static JsonNode json(String singleQuoted) {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }
}
