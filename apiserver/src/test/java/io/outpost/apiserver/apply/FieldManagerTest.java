package io.outpost.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The field manager on Deployments and ConfigMaps, without a server. */
class FieldManagerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final FieldManager.Scope DEPLOYMENTS = new FieldManager.Scope(BuiltinApplySchemas.forKind("apps", "Deployment"),
            "apps/v1", "Deployment", null, true);
    private static final FieldManager.Scope CONFIGMAPS = new FieldManager.Scope(BuiltinApplySchemas.forKind("", "ConfigMap"),
            "v1", "ConfigMap", null, false);
    private final FieldManager manager = new FieldManager(Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));

    static ObjectNode tree(String text) {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    static ObjectNode deployment(String spec) {
        return tree("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':" + spec + "}");
    }

    static List<String> images(JsonNode d) {
        List<String> out = new ArrayList<>();
        d.path("spec").path("template").path("spec").path("containers").forEach(c -> out.add(c.path("name").asString() + "=" + c.path("image").asString("")));
        return out;
    }

    static String containers(String... nameImage) {
        List<String> items = new ArrayList<>();
        for (String c : nameImage) {
            String[] p = c.split("=");
            items.add("{'name':'" + p[0] + "'" + (p.length > 1 ? ",'image':'" + p[1] + "'" : "") + "}");
        }
        return "{'template':{'spec':{'containers':[" + String.join(",", items) + "]}}}";
    }

    record Merge(String name, String live, String applied, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Merge> mapListMerges() {
        return Stream.of(
                new Merge("An element is merged with the live one of the same key", containers("a=1"), containers("a=2"), List.of("a=2")),
                new Merge("An element only live, and owned by another, is kept in place", containers("a=1", "b=1"), containers("b=2"), List.of("a=1", "b=2")),
                new Merge("Applied elements keep the applied order", containers("a=1", "b=1"), containers("b=2", "a=2"), List.of("b=2", "a=2")),
                new Merge("A new element is added after the applied one before it", containers("a=1", "c=1"), containers("a=1", "b=1", "c=1"),
                        List.of("a=1", "b=1", "c=1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mapListMerges")
    void mapListsMergeByKey(Merge m) {
        ObjectNode live = manager.apply(DEPLOYMENTS, null, deployment(m.live()), "other", false);
        ObjectNode result = manager.apply(DEPLOYMENTS, live, deployment(m.applied()), "second", true);
        assertThat(images(result)).containsExactlyElementsOf(m.expected());
    }

    @Test
    void anAtomicListIsReplacedAndASetIsUnited() {
        ObjectNode live = manager.apply(DEPLOYMENTS, null, tree("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d','finalizers':['a']},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'c','args':['x','y']}]}}}}"), "one", false);
        ObjectNode result = manager.apply(DEPLOYMENTS, live, tree("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d','finalizers':['b']},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'c','args':['z']}]}}}}"), "two", true);
        assertThat(result.path("metadata").path("finalizers").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(result.path("spec").path("template").path("spec").path("containers").get(0).path("args").toString()).isEqualTo("[\"z\"]");
    }

    @Test
    void portsAreKeyedByPortAndDefaultedProtocol() {
        ObjectNode live = manager.apply(DEPLOYMENTS, null, deployment("{'template':{'spec':{'containers':[{'name':'c','ports':[{'containerPort':80}]}]}}}"),
                "one", false);
        JsonNode fields = live.path("metadata").path("managedFields").get(0).path("fieldsV1");
        assertThat(fields.path("f:spec").path("f:template").path("f:spec").path("f:containers").path("k:{\"name\":\"c\"}").path("f:ports")
                .has("k:{\"containerPort\":80,\"protocol\":\"TCP\"}")).isTrue();
        ObjectNode result = manager.apply(DEPLOYMENTS, live,
                deployment("{'template':{'spec':{'containers':[{'name':'c','ports':[{'containerPort':80,'protocol':'TCP','name':'http'}]}]}}}"), "one", false);
        assertThat(result.path("spec").path("template").path("spec").path("containers").get(0).path("ports")).hasSize(1);
    }

    @Test
    void conflictsNameEveryManagerAndField() {
        ObjectNode live = manager.apply(DEPLOYMENTS, null, deployment("{'replicas':1,'paused':false}"), "a", false);
        live = manager.update(DEPLOYMENTS, live, deployment("{'replicas':1,'paused':false,'minReadySeconds':3}").put("x", 1).without("x"), "u");
        ObjectNode change = deployment("{'replicas':2,'paused':true,'minReadySeconds':4}");
        ObjectNode before = live;
        assertThatThrownBy(() -> manager.apply(DEPLOYMENTS, before, change, "b", false))
                .isInstanceOfSatisfying(ApplyConflict.class, e -> {
                    assertThat(e.conflicts()).extracting(ApplyConflict.Conflict::field)
                            .containsExactlyInAnyOrder(".spec.replicas", ".spec.paused", ".spec.minReadySeconds");
                    assertThat(e.getMessage()).isEqualTo("Apply failed with 3 conflicts: conflicts with \"a\":\n- .spec.paused\n- .spec.replicas\n"
                            + "conflicts with \"u\" using apps/v1:\n- .spec.minReadySeconds");
                });
    }

    @Test
    void theApplierLosesNothingItStillApplies() {
        ObjectNode live = manager.apply(CONFIGMAPS, null, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1','b':'2'}}"),
                "m", false);
        ObjectNode result = manager.apply(CONFIGMAPS, live, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'}}"), "m", false);
        assertThat(result.path("data").toString()).isEqualTo("{\"a\":\"1\"}");
        ObjectNode emptied = manager.apply(CONFIGMAPS, result, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'}}"), "m", false);
        assertThat(emptied.has("data")).as("an object nobody owns anything in goes with its last field").isFalse();
        assertThat(emptied.path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void anUnchangedApplyKeepsItsTime() {
        FieldManager later = new FieldManager(Clock.fixed(Instant.parse("2026-11-25T11:00:00Z"), ZoneOffset.UTC));
        ObjectNode config = tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'}}");
        ObjectNode live = manager.apply(CONFIGMAPS, null, config, "m", false);
        ObjectNode again = later.apply(CONFIGMAPS, live, config, "m", false);
        assertThat(again.path("metadata").path("managedFields").get(0).path("time").asString()).isEqualTo("2026-11-25T10:00:00Z");
    }

    @Test
    void moreThanTenUpdatersAreMergedIntoAncientChanges() {
        ObjectNode live = manager.update(CONFIGMAPS, null, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'x':'y'}}"), "creator");
        for (int i = 0; i < 12; i++) {
            ObjectNode next = live.deepCopy();
            next.withObjectProperty("data").put("k" + i, "v");
            live = new FieldManager(Clock.fixed(Instant.parse("2026-11-25T10:00:00Z").plusSeconds(i), ZoneOffset.UTC))
                    .update(CONFIGMAPS, live, next, "writer-" + i);
        }
        List<String> managers = new ArrayList<>();
        live.path("metadata").path("managedFields").forEach(e -> managers.add(e.path("manager").asString()));
        assertThat(managers).hasSize(10).contains("ancient-changes", "writer-11").doesNotContain("writer-0", "writer-1");
    }

    @Test
    void anUpdateOfAnUntrackedObjectStaysUntracked() {
        ObjectNode live = tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','uid':'u'},'data':{'a':'1'}}");
        ObjectNode result = manager.update(CONFIGMAPS, live, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','uid':'u'},'data':{'a':'2'}}"), "m");
        assertThat(result.path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void kubectlsServerSideApplyRewritesTheLastAppliedAnnotation() {
        ObjectNode csa = tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'}}");
        ObjectNode created = csa.deepCopy();
        created.withObjectProperty("metadata").putObject("annotations").put(FieldManager.LAST_APPLIED, csa.toString() + "\n");
        ObjectNode live = manager.update(CONFIGMAPS, null, created, "kubectl-client-side-apply");
        ObjectNode applied = manager.apply(CONFIGMAPS, live, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'2','b':'3'}}"),
                "kubectl", false);
        assertThat(applied.path("data").toString()).isEqualTo("{\"a\":\"2\",\"b\":\"3\"}");
        assertThat(applied.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED).asString())
                .isEqualTo("{\"apiVersion\":\"v1\",\"data\":{\"a\":\"2\",\"b\":\"3\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}\n");
        ObjectNode drifted = live.deepCopy();
        ((ObjectNode) drifted.get("data")).put("a", "9");
        assertThatThrownBy(() -> manager.apply(CONFIGMAPS, drifted, tree("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'2'}}"),
                "kubectl", false)).as("a live value that is not the last applied one still conflicts").isInstanceOf(ApplyConflict.class);
    }
}
