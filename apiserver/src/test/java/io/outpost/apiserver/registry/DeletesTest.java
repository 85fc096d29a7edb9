package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DeletesTest {

    private final Harness h = new Harness();

    private Harness.Answer boundPod(String name, String extraSpec) {
        return h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'" + name + "'},'spec':{'containers':[{'name':'c','image':'nginx'}],'nodeName':'n1'" + extraSpec + "}}"));
    }

    @Test
    void aConfigMapIsRemovedAtOnceAndAnsweredWithStatusSuccess() {
        String uid = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}")).body().path("metadata").path("uid").asString();
        Harness.Answer a = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'propagationPolicy':'Background'}"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("kind").asString()).isEqualTo("Status");
        assertThat(a.body().path("status").asString()).isEqualTo("Success");
        assertThat(a.body().path("details").path("uid").asString()).isEqualTo(uid);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(404);
    }

    @Test
    void deletingAMissingObjectIsNotFound() {
        Harness.Answer a = h.delete(Fixtures.CONFIGMAPS, "default", "nope", null);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.message()).isEqualTo("configmaps \"nope\" not found");
    }

    @Test
    void aBoundPodIsKeptWithADeletionTimestampForItsGracePeriod() {
        boundPod("p", ",'terminationGracePeriodSeconds':10");
        Harness.Answer a = h.delete(Fixtures.PODS, "default", "p", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("kind").asString()).isEqualTo("Pod");
        assertThat(a.body().path("metadata").path("deletionTimestamp").asString()).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(a.body().path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(10);
        assertThat(h.get(Fixtures.PODS, "default", "p").status()).isEqualTo(200);
    }

    @Test
    void aSecondDeleteMayShortenTheGracePeriodButNotExtendIt() {
        boundPod("p", "");
        h.delete(Fixtures.PODS, "default", "p", json("{'gracePeriodSeconds':5}"));
        Harness.Answer longer = h.delete(Fixtures.PODS, "default", "p", json("{'gracePeriodSeconds':60}"));
        assertThat(longer.body().path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(5);
        Harness.Answer now = h.delete(Fixtures.PODS, "default", "p", json("{'gracePeriodSeconds':0}"));
        assertThat(now.status()).isEqualTo(200);
        assertThat(h.get(Fixtures.PODS, "default", "p").status()).isEqualTo(404);
    }

    @Test
    void anUnscheduledPodIsRemovedAtOnceAndAnsweredWithThePod() {
        h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"));
        Harness.Answer a = h.delete(Fixtures.PODS, "default", "p", null);
        assertThat(a.body().path("kind").asString()).isEqualTo("Pod");
        assertThat(h.get(Fixtures.PODS, "default", "p").status()).isEqualTo(404);
    }

    @Test
    void theGracePeriodInTheQueryOverridesThePods() {
        boundPod("p", ",'terminationGracePeriodSeconds':10");
        h.call("DELETE", Target.object(Fixtures.PODS, "default", "p"), "gracePeriodSeconds=0", null);
        assertThat(h.get(Fixtures.PODS, "default", "p").status()).isEqualTo(404);
    }

    @Test
    void preconditionsThatDoNotHoldAreAConflict() {
        String rv = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}")).rv();
        Harness.Answer uid = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'preconditions':{'uid':'x'}}"));
        assertThat(uid.status()).isEqualTo(409);
        assertThat(uid.message()).startsWith("Operation cannot be fulfilled on configmaps \"a\": Precondition failed: UID in precondition: x");
        Harness.Answer version = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'preconditions':{'resourceVersion':'1'}}"));
        assertThat(version.status()).isEqualTo(409);
        Harness.Answer ok = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'preconditions':{'resourceVersion':'" + rv + "'}}"));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void anObjectWithFinalizersStaysUntilTheLastIsRemoved() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','finalizers':['x/y']}}"));
        h.clock.advance(Duration.ofSeconds(3));
        Harness.Answer a = h.delete(Fixtures.CONFIGMAPS, "default", "a", null);
        assertThat(a.body().path("metadata").path("deletionTimestamp").asString()).isEqualTo("2026-01-01T00:00:03Z");
        var kept = (tools.jackson.databind.node.ObjectNode) h.get(Fixtures.CONFIGMAPS, "default", "a").body();
        kept.withObjectProperty("metadata").remove("finalizers");
        Harness.Answer update = h.put(Fixtures.CONFIGMAPS, "default", "a", kept.toString());
        assertThat(update.status()).isEqualTo(200);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(404);
    }

    @Test
    void deleteCollectionRemovesOnlyTheSelectedObjects() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','labels':{'app':'x'}}}"));
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'b','labels':{'app':'y'}}}"));
        h.create(Fixtures.CONFIGMAPS, "kube-system", json("{'metadata':{'name':'c','labels':{'app':'x'}}}"));
        Harness.Answer a = h.call("DELETE", Target.collection(Fixtures.CONFIGMAPS, "default"), "labelSelector=app=x", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("kind").asString()).isEqualTo("ConfigMapList");
        assertThat(a.body().path("items").size()).isEqualTo(1);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(404);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "b").status()).isEqualTo(200);
        assertThat(h.get(Fixtures.CONFIGMAPS, "kube-system", "c").status()).isEqualTo(200);
    }
}
