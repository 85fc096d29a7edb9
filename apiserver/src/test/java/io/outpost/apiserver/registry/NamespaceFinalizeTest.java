package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Namespace deletion when a namespace controller runs, as in kube: the apiserver only marks the
 * namespace Terminating; the controller empties it and removes the {@code kubernetes} finalizer
 * through {@code namespaces/{name}/finalize}, which removes the namespace.
 */
class NamespaceFinalizeTest {

    private final Harness h = Harness.withNamespaceController();

    private Harness.Answer finalize(String name, String body) {
        return h.call("PUT", new Target(Fixtures.NAMESPACES, null, name, "finalize"), "", body);
    }

    @Test
    void aDeletedNamespaceWaitsTerminatingWithItsContentUntilItsFinalizerIsRemoved() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'team'}}"));
        h.create(Fixtures.CONFIGMAPS, "team", json("{'metadata':{'name':'a'}}"));

        Harness.Answer deleted = h.delete(Fixtures.NAMESPACES, null, "team", null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("status").path("phase").asString()).isEqualTo("Terminating");
        h.runFinalizers();
        assertThat(h.get(Fixtures.NAMESPACES, null, "team").body().path("spec").path("finalizers").path(0).asString())
                .isEqualTo("kubernetes");
        assertThat(h.get(Fixtures.CONFIGMAPS, "team", "a").status()).isEqualTo(200);

        Harness.Answer again = h.delete(Fixtures.NAMESPACES, null, "team", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("Operation cannot be fulfilled on namespaces \"team\": The system is ensuring all"
                + " content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.");

        Harness.Answer finalized = finalize("team", json("{'metadata':{'name':'team'},'spec':{'finalizers':[]}}"));
        assertThat(finalized.status()).isEqualTo(200);
        assertThat(h.get(Fixtures.NAMESPACES, null, "team").status()).isEqualTo(404);
    }

    @Test
    void finalizeChangesOnlyTheFinalizersOfANamespaceNotBeingDeleted() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'keep'}}"));
        Harness.Answer finalized = finalize("keep",
                json("{'metadata':{'name':'keep','labels':{'x':'y'}},'spec':{'finalizers':['example.com/hold']},'status':{'phase':'Gone'}}"));
        assertThat(finalized.status()).isEqualTo(200);
        assertThat(finalized.body().path("spec").path("finalizers").path(0).asString()).isEqualTo("example.com/hold");
        assertThat(finalized.body().path("metadata").path("labels").has("x")).isFalse();
        assertThat(finalized.body().path("status").path("phase").asString()).isEqualTo("Active");
    }

    @Test
    void anUnqualifiedFinalizerOtherThanKubernetesIsRefused() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'bad'}}"));
        Harness.Answer refused = finalize("bad", json("{'metadata':{'name':'bad'},'spec':{'finalizers':['hold']}}"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("details").path("causes").path(0).path("field").asString()).isEqualTo("spec.finalizers[0]");
        assertThat(refused.message()).contains("name is neither a standard finalizer name nor is it fully qualified");
    }

    @Test
    void aNamespaceWithoutFinalizersGoesAtOnce() {
        h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'bare'},'spec':{'finalizers':[]}}"));
        assertThat(h.delete(Fixtures.NAMESPACES, null, "bare", null).status()).isEqualTo(200);
        assertThat(h.get(Fixtures.NAMESPACES, null, "bare").status()).isEqualTo(404);
    }
}
