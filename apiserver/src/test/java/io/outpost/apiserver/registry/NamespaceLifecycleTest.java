package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamespaceLifecycleTest {

    private final Harness h = new Harness();

    @ParameterizedTest(name = "The system namespace {0} exists from the start")
    @ValueSource(strings = {"default", "kube-system", "kube-public", "kube-node-lease"})
    void systemNamespacesExist(String name) {
        Harness.Answer a = h.get(Fixtures.NAMESPACES, null, name);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("status").path("phase").asString()).isEqualTo("Active");
    }

    @Test
    void startingAgainCreatesNothingNew() {
        long revision = h.kv.currentRevision();
        h.registry.start();
        assertThat(h.kv.currentRevision()).isEqualTo(revision);
    }

    @ParameterizedTest(name = "The namespace {0} cannot be deleted")
    @ValueSource(strings = {"default", "kube-system", "kube-public"})
    void systemNamespacesCannotBeDeleted(String name) {
        Harness.Answer a = h.delete(Fixtures.NAMESPACES, null, name, null);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.message()).isEqualTo("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
    }

    @Test
    void everyNamespaceIsLabelledWithItsNameAndKeepsTheLabel() {
        assertThat(h.get(Fixtures.NAMESPACES, null, "kube-system").body().path("metadata").path("labels")
                .path("kubernetes.io/metadata.name").asString()).isEqualTo("kube-system");
        Harness.Answer generated = h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'generateName':'site-'}}"));
        String name = generated.body().path("metadata").path("name").asString();
        assertThat(generated.body().path("metadata").path("labels").path("kubernetes.io/metadata.name").asString()).isEqualTo(name);
        Harness.Answer patched = h.patch(Fixtures.NAMESPACES, null, name, "application/merge-patch+json", "",
                json("{'metadata':{'labels':{'kubernetes.io/metadata.name':null,'tier':'edge'}}}"));
        assertThat(patched.body().path("metadata").path("labels").path("kubernetes.io/metadata.name").asString()).isEqualTo(name);
        assertThat(patched.body().path("metadata").path("labels").path("tier").asString()).isEqualTo("edge");
    }

    @Test
    void aDeletedNamespaceIsTerminatingThenGoneWithEverythingInIt() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'team'}}"));
        h.create(Fixtures.CONFIGMAPS, "team", json("{'metadata':{'name':'a'}}"));
        h.create(Fixtures.PODS, "team", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}],'nodeName':'n1'}}"));
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));

        Harness.Answer deleted = h.delete(Fixtures.NAMESPACES, null, "team", null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("status").path("phase").asString()).isEqualTo("Terminating");
        assertThat(deleted.body().path("metadata").path("deletionTimestamp").isString()).isTrue();

        Harness.Answer refused = h.create(Fixtures.CONFIGMAPS, "team", json("{'metadata':{'name':'b'}}"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("Forbidden");
        assertThat(refused.message()).isEqualTo(
                "configmaps \"b\" is forbidden: unable to create new content in namespace team because it is being terminated");
        // The cause by which controllers (the ServiceAccount controller) know not to retry.
        assertThat(refused.body().path("details").path("causes").path(0).path("reason").asString()).isEqualTo("NamespaceTerminating");
        assertThat(refused.body().path("details").path("causes").path(0).path("field").asString()).isEqualTo("metadata.namespace");

        h.runFinalizers();
        assertThat(h.get(Fixtures.NAMESPACES, null, "team").status()).isEqualTo(404);
        assertThat(h.get(Fixtures.CONFIGMAPS, "team", "a").status()).isEqualTo(404);
        assertThat(h.get(Fixtures.PODS, "team", "p").status()).isEqualTo(404);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").status()).isEqualTo(200);
    }

    @Test
    void aNamespaceNamedLikeTheStartOfAnotherLeavesTheOtherAlone() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'team'}}"));
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'team-b'}}"));
        h.create(Fixtures.CONFIGMAPS, "team-b", json("{'metadata':{'name':'a'}}"));
        h.delete(Fixtures.NAMESPACES, null, "team", null);
        h.runFinalizers();
        assertThat(h.get(Fixtures.CONFIGMAPS, "team-b", "a").status()).isEqualTo(200);
    }
}
