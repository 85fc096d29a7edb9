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

    private static java.util.List<String> finalizers(Harness.Answer a) {
        java.util.List<String> out = new java.util.ArrayList<>();
        a.body().path("metadata").path("finalizers").forEach(f -> out.add(f.asString()));
        return out;
    }

    @Test
    void withACollectorForegroundAndOrphanLeaveTheirFinalizerAndBackgroundRemovesAtOnce() {
        Harness gc = Harness.withGarbageCollector();
        for (String name : new String[] {"fg", "or", "bg", "default"}) {
            gc.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'" + name + "','finalizers':['x.io/keep']}}"));
        }
        Harness.Answer fg = gc.delete(Fixtures.CONFIGMAPS, "default", "fg", json("{'propagationPolicy':'Foreground'}"));
        assertThat(finalizers(fg)).containsExactly("x.io/keep", "foregroundDeletion");
        assertThat(fg.body().path("metadata").path("deletionTimestamp").isString()).isTrue();
        // The query form, and a later delete that changes its mind: the finalizers follow the latest policy.
        Harness.Answer or = gc.call("DELETE", Target.object(Fixtures.CONFIGMAPS, "default", "or"), "propagationPolicy=Orphan", null);
        assertThat(finalizers(or)).containsExactly("x.io/keep", "orphan");
        Harness.Answer fgAfter = gc.delete(Fixtures.CONFIGMAPS, "default", "or", json("{'propagationPolicy':'Foreground'}"));
        assertThat(finalizers(fgAfter)).containsExactly("x.io/keep", "foregroundDeletion");
        // No policy keeps the collector finalizer already there; orphanDependents is the old spelling of Orphan.
        assertThat(finalizers(gc.delete(Fixtures.CONFIGMAPS, "default", "or", null))).containsExactly("x.io/keep", "foregroundDeletion");
        assertThat(finalizers(gc.delete(Fixtures.CONFIGMAPS, "default", "bg", json("{'orphanDependents':true}")))).containsExactly("x.io/keep", "orphan");
        assertThat(finalizers(gc.delete(Fixtures.CONFIGMAPS, "default", "default", null))).containsExactly("x.io/keep");

        gc.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'plain'}}"));
        assertThat(gc.delete(Fixtures.CONFIGMAPS, "default", "plain", json("{'propagationPolicy':'Background'}")).body().path("status").asString())
                .isEqualTo("Success");
        gc.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'orphaned'}}"));
        gc.delete(Fixtures.CONFIGMAPS, "default", "orphaned", json("{'propagationPolicy':'Orphan'}"));
        // Background on an object that only waits for the orphan finalizer takes it off, and the object goes.
        Harness.Answer bg = gc.delete(Fixtures.CONFIGMAPS, "default", "orphaned", json("{'propagationPolicy':'Background'}"));
        assertThat(bg.body().path("status").asString()).isEqualTo("Success");
        assertThat(gc.get(Fixtures.CONFIGMAPS, "default", "orphaned").status()).isEqualTo(404);
    }

    @Test
    void withoutACollectorAPolicyIsCheckedButAddsNoFinalizer() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        Harness.Answer a = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'propagationPolicy':'Foreground'}"));
        assertThat(a.body().path("status").asString()).isEqualTo("Success");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(404);
    }

    @Test
    void anUnknownPolicyOrBothSpellingsAtOnceAreInvalidAndNothingIsDeleted() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        Harness.Answer unknown = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'propagationPolicy':'Sideways'}"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.message()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": "
                + "supported values: \"Foreground\", \"Background\", \"Orphan\"");
        assertThat(unknown.body().path("details").path("causes").get(0).path("field").asString()).isEqualTo("propagationPolicy");
        Harness.Answer both = h.delete(Fixtures.CONFIGMAPS, "default", "a", json("{'propagationPolicy':'Orphan','orphanDependents':false}"));
        assertThat(both.status()).isEqualTo(422);
        assertThat(both.message()).endsWith("orphanDependents and deletionPropagation cannot be both set");
        Harness.Answer dryRun = h.call("DELETE", Target.object(Fixtures.CONFIGMAPS, "default", "a"), "dryRun=Some", null);
        assertThat(dryRun.status()).isEqualTo(422);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(200);
    }

    @Test
    void aDryRunDeleteAnswersWhatWouldHappenAndChangesNothing() {
        String rv = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}")).rv();
        Harness.Answer removed = h.call("DELETE", Target.object(Fixtures.CONFIGMAPS, "default", "a"), "dryRun=All", null);
        assertThat(removed.body().path("status").asString()).isEqualTo("Success");
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").rv()).isEqualTo(rv);

        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'held','finalizers':['x.io/keep']}}"));
        Harness.Answer held = h.delete(Fixtures.CONFIGMAPS, "default", "held", json("{'dryRun':['All']}"));
        assertThat(held.body().path("metadata").path("deletionTimestamp").isString()).isTrue();
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "held").body().path("metadata").has("deletionTimestamp")).isFalse();

        Harness.Answer namespace = h.call("DELETE", Target.object(Fixtures.NAMESPACES, null, "default"), "dryRun=All", null);
        assertThat(namespace.status()).isEqualTo(403);
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'edge'}}"));
        Harness.Answer edge = h.call("DELETE", Target.object(Fixtures.NAMESPACES, null, "edge"), "dryRun=All", null);
        assertThat(edge.body().path("status").path("phase").asString()).isEqualTo("Terminating");
        h.runFinalizers();
        assertThat(h.get(Fixtures.NAMESPACES, null, "edge").body().path("status").path("phase").asString()).isEqualTo("Active");
    }

    @Test
    void noFinalizerMayBeAddedToAnObjectBeingDeleted() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','finalizers':['x.io/keep']}}"));
        h.delete(Fixtures.CONFIGMAPS, "default", "a", null);
        var kept = (tools.jackson.databind.node.ObjectNode) h.get(Fixtures.CONFIGMAPS, "default", "a").body();
        kept.withObjectProperty("metadata").withArrayProperty("finalizers").add("x.io/more");
        Harness.Answer update = h.put(Fixtures.CONFIGMAPS, "default", "a", kept.toString());
        assertThat(update.status()).isEqualTo(422);
        assertThat(update.message()).contains("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                + "found new finalizers []string{\"x.io/more\"}");
    }

    @Test
    void ownerReferencesMustNameTheirOwnerAndAtMostOneIsTheController() {
        Harness.Answer incomplete = h.create(Fixtures.CONFIGMAPS, "default",
                json("{'metadata':{'name':'a','ownerReferences':[{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'rs'}]}}"));
        assertThat(incomplete.status()).isEqualTo(422);
        assertThat(incomplete.message()).contains("metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty");
        Harness.Answer twoControllers = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','ownerReferences':["
                + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'r1','uid':'u1','controller':true},"
                + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'r2','uid':'u2','controller':true}]}}"));
        assertThat(twoControllers.status()).isEqualTo(422);
        assertThat(twoControllers.message()).contains("Only one reference can have Controller set to true. Found \"true\" in references for r1 and r2");
        Harness.Answer ok = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a','ownerReferences':["
                + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'r1','uid':'u1','controller':true,'blockOwnerDeletion':true}]}}"));
        assertThat(ok.status()).isEqualTo(201);
        Harness.Answer bothGcFinalizers = h.create(Fixtures.CONFIGMAPS, "default",
                json("{'metadata':{'name':'b','finalizers':['orphan','foregroundDeletion']}}"));
        assertThat(bothGcFinalizers.status()).isEqualTo(422);
        assertThat(bothGcFinalizers.message()).contains("finalizer orphan and foregroundDeletion cannot be both set");
    }
}
