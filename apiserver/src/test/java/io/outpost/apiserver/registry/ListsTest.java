package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

class ListsTest {

    private final Harness h = new Harness();

    @AfterEach
    void stopWatchCaches() {
        h.registry.close();
    }

    ListsTest() {
        pod("default", "a", "n1", "app=web");
        pod("default", "b", "n2", "app=web");
        pod("default", "c", "", "app=db");
        pod("kube-system", "d", "n1", "app=web");
    }

    private void pod(String ns, String name, String node, String label) {
        String[] kv = label.split("=");
        h.create(Fixtures.PODS, ns, json("{'metadata':{'name':'" + name + "','labels':{'" + kv[0] + "':'" + kv[1] + "'}},'spec':{'containers':[{'name':'c','image':'nginx'}],'nodeName':'" + node + "'}}"));
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asString()));
        return names;
    }

    record Case(String name, String namespace, String query, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A namespace's list has only its objects, in name order", "default", "", List.of("a", "b", "c")),
                new Case("A list across namespaces has every object", null, "", List.of("a", "b", "c", "d")),
                new Case("A label selector filters", "default", "labelSelector=app=web", List.of("a", "b")),
                new Case("A set-based label selector filters", null, "labelSelector=app notin (web)", List.of("c")),
                new Case("A field selector on metadata.name filters", "default", "fieldSelector=metadata.name=b", List.of("b")),
                new Case("A field selector on metadata.namespace filters", null, "fieldSelector=metadata.namespace=kube-system", List.of("d")),
                new Case("A field selector on spec.nodeName filters", null, "fieldSelector=spec.nodeName=n1", List.of("a", "d")),
                new Case("An empty spec.nodeName selects unscheduled pods", null, "fieldSelector=spec.nodeName=", List.of("c")),
                new Case("A field selector on status.phase filters", "default", "fieldSelector=status.phase!=Pending", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void list(Case c) {
        Harness.Answer a = h.list(Fixtures.PODS, c.namespace(), c.query());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(names(a.body())).isEqualTo(c.expected());
    }

    @Test
    void aListAtResourceVersionZeroIsTheWatchCachesStateOnceItHasCaughtUp() throws Exception {
        // "0" allows any state: the cache trails the store. A watch from the store's current
        // revision opens only once the cache has dispatched every earlier write.
        new WatchClient(h.registry.handle(Harness.request("GET", "watch=true&resourceVersion=" + h.kv.currentRevision(), null,
                java.util.Map.of()), Target.collection(Fixtures.PODS, "default"))).close();
        Harness.Answer a = h.list(Fixtures.PODS, "default", "resourceVersion=0");
        assertThat(a.status()).isEqualTo(200);
        assertThat(names(a.body())).isEqualTo(List.of("a", "b", "c"));
        assertThat(a.rv()).isEqualTo(Long.toString(h.kv.currentRevision()));
    }

    @Test
    void aListIsAKindListWithTheRevisionAndTypedItems() {
        Harness.Answer a = h.list(Fixtures.PODS, "default", "");
        assertThat(a.body().path("kind").asString()).isEqualTo("PodList");
        assertThat(a.body().path("apiVersion").asString()).isEqualTo("v1");
        assertThat(a.rv()).isEqualTo(Long.toString(h.kv.currentRevision()));
        assertThat(a.body().path("items").get(0).path("kind").asString()).isEqualTo("Pod");
    }

    @Test
    void anUnsupportedFieldIsABadRequest() {
        Harness.Answer a = h.list(Fixtures.CONFIGMAPS, "default", "fieldSelector=spec.nodeName=n1");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.message()).isEqualTo("field label not supported: spec.nodeName");
    }

    @Test
    void pagesWithSelectorsAreFilledAndTogetherGiveTheWholeSnapshot() {
        Harness.Answer first = h.list(Fixtures.PODS, null, "limit=2&labelSelector=app=web");
        assertThat(names(first.body())).isEqualTo(List.of("a", "b"));
        String token = first.body().path("metadata").path("continue").asString();
        assertThat(token).isNotEmpty();
        pod("default", "e", "n1", "app=web"); // after the snapshot: not in later pages
        Harness.Answer second = h.list(Fixtures.PODS, null, "limit=2&labelSelector=app=web&continue=" + token);
        assertThat(names(second.body())).isEqualTo(List.of("d"));
        assertThat(second.rv()).isEqualTo(first.rv());
        assertThat(second.body().path("metadata").has("continue")).isFalse();
    }

    @Test
    void aContinueTokenOfACompactedRevisionIsExpired() {
        String token = h.list(Fixtures.PODS, null, "limit=1").body().path("metadata").path("continue").asString();
        pod("default", "e", "n1", "app=web");
        h.kv.compact(h.kv.currentRevision());
        Harness.Answer a = h.list(Fixtures.PODS, null, "limit=1&continue=" + token);
        assertThat(a.status()).isEqualTo(410);
        assertThat(a.reason()).isEqualTo("Expired");
        assertThat(a.message()).startsWith("The provided continue parameter is too old");
    }

    @Test
    void aMalformedContinueTokenIsABadRequest() {
        assertThat(h.list(Fixtures.PODS, null, "continue=garbage!").status()).isEqualTo(400);
    }

    @Test
    void continueWithAResourceVersionIsABadRequest() {
        String token = h.list(Fixtures.PODS, null, "limit=1").body().path("metadata").path("continue").asString();
        Harness.Answer a = h.list(Fixtures.PODS, null, "limit=1&resourceVersion=3&continue=" + token);
        assertThat(a.message()).isEqualTo("specifying resource version is not allowed when using continue");
    }

    @Test
    void anExactResourceVersionListsTheStateThen() {
        String rv = h.list(Fixtures.PODS, "default", "").rv();
        h.delete(Fixtures.PODS, "default", "c", null);
        assertThat(names(h.list(Fixtures.PODS, "default", "resourceVersion=" + rv + "&resourceVersionMatch=Exact").body()))
                .isEqualTo(List.of("a", "b", "c"));
        assertThat(names(h.list(Fixtures.PODS, "default", "resourceVersion=" + rv).body())).isEqualTo(List.of("a", "b"));
    }

    @Test
    void aResourceVersionAheadOfTheStoreIsATimeout() {
        Harness.Answer a = h.list(Fixtures.PODS, "default", "resourceVersion=999999");
        assertThat(a.status()).isEqualTo(504);
        assertThat(a.message()).startsWith("Too large resource version: 999999");
    }

    @Test
    void aCompactedExactResourceVersionIsExpired() {
        pod("default", "e", "n1", "app=web");
        h.kv.compact(h.kv.currentRevision());
        Harness.Answer a = h.list(Fixtures.PODS, "default", "resourceVersion=2&resourceVersionMatch=Exact");
        assertThat(a.status()).isEqualTo(410);
        assertThat(a.reason()).isEqualTo("Expired");
    }

    @Test
    void eventsSelectByInvolvedObject() {
        h.create(Fixtures.EVENTS, "default", json("{'metadata':{'name':'e1'},'involvedObject':{'kind':'Pod','name':'a','namespace':'default','uid':'u1'}}"));
        h.create(Fixtures.EVENTS, "default", json("{'metadata':{'name':'e2'},'involvedObject':{'kind':'Pod','name':'b','namespace':'default','uid':'u2'}}"));
        Harness.Answer a = h.list(Fixtures.EVENTS, "default",
                "fieldSelector=involvedObject.name=a,involvedObject.namespace=default,involvedObject.uid=u1");
        assertThat(names(a.body())).isEqualTo(List.of("e1"));
    }

    @Test
    void nodesSelectBySpecUnschedulable() {
        h.create(Fixtures.NODES, null, json("{'metadata':{'name':'n1'},'spec':{'unschedulable':true}}"));
        h.create(Fixtures.NODES, null, json("{'metadata':{'name':'n2'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"));
        assertThat(names(h.list(Fixtures.NODES, null, "fieldSelector=spec.unschedulable=false").body())).isEqualTo(List.of("n2"));
    }
}
