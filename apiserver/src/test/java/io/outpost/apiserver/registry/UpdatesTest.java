package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UpdatesTest {

    record Case(String name, String body, int status, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bodies for PUT configmaps/a in default; RV is replaced by the stored object's resourceVersion. */
    static Stream<Case> cases() {
        return Stream.of(
                new Case("An update at the current resourceVersion succeeds", "{'metadata':{'name':'a','resourceVersion':'RV'},'data':{'k':'2'}}", 200, "", ""),
                new Case("An update without a resourceVersion is unconditional", "{'metadata':{'name':'a'},'data':{'k':'2'}}", 200, "", ""),
                new Case("An update at an old resourceVersion is a Conflict", "{'metadata':{'name':'a','resourceVersion':'1'},'data':{'k':'2'}}", 409, "Conflict",
                        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"),
                new Case("A body naming another object is a bad request", "{'metadata':{'name':'b'}}", 400, "BadRequest",
                        "the name of the object (b) does not match the name on the URL (a)"),
                new Case("A body with another uid fails its precondition", "{'metadata':{'name':'a','uid':'other'}}", 409, "Conflict",
                        "Precondition failed: UID in precondition: other"),
                new Case("A body of another kind is a bad request", "{'kind':'Secret','metadata':{'name':'a'}}", 400, "BadRequest", "cannot be handled as a ConfigMap"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void update(Case c) {
        Harness h = new Harness();
        String rv = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'},'data':{'k':'1'}}")).rv();
        Harness.Answer a = h.put(Fixtures.CONFIGMAPS, "default", "a", json(c.body().replace("'RV'", "'" + rv + "'")));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(c.status());
        if (c.status() >= 400) {
            assertThat(a.reason()).isEqualTo(c.reason());
            assertThat(a.message()).contains(c.message());
            assertThat(h.get(Fixtures.CONFIGMAPS, "default", "a").rv()).isEqualTo(rv);
        } else {
            assertThat(a.body().path("data").path("k").asString()).isEqualTo("2");
            assertThat(Long.parseLong(a.rv())).isGreaterThan(Long.parseLong(rv));
        }
    }

    @Test
    void updatingAMissingObjectIsNotFound() {
        Harness.Answer a = new Harness().put(Fixtures.CONFIGMAPS, "default", "a", json("{'metadata':{'name':'a'}}"));
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.message()).isEqualTo("configmaps \"a\" not found");
    }

    @Test
    void updatingAMissingLeaseCreatesIt() {
        Harness.Answer a = new Harness().put(Fixtures.LEASES, "default", "l", json("{'metadata':{'name':'l'},'spec':{'holderIdentity':'me'}}"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.body().path("metadata").path("uid").asString()).isNotEmpty();
    }

    @Test
    void updatingAMissingLeaseInAMissingNamespaceIsNotFoundOnTheNamespace() {
        Harness.Answer a = new Harness().put(Fixtures.LEASES, "nope", "l", json("{'metadata':{'name':'l'}}"));
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.message()).isEqualTo("namespaces \"nope\" not found");
    }

    @Test
    void generationGoesUpOnlyWhenTheSpecChanges() {
        Harness h = new Harness();
        h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{'replicas':1,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
        Harness.Answer labelled = h.put(Fixtures.DEPLOYMENTS, "default", "d", json("{'metadata':{'name':'d','labels':{'a':'b'}},'spec':{'replicas':1,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
        assertThat(labelled.body().path("metadata").path("generation").asLong()).isEqualTo(1);
        Harness.Answer scaled = h.put(Fixtures.DEPLOYMENTS, "default", "d", json("{'metadata':{'name':'d','generation':7},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
        assertThat(scaled.body().path("metadata").path("generation").asLong()).isEqualTo(2);
    }

    @Test
    void anUnchangedUpdateKeepsTheResourceVersion() {
        Harness h = new Harness();
        String rv = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'},'data':{'k':'1'}}")).rv();
        Harness.Answer a = h.put(Fixtures.CONFIGMAPS, "default", "a", h.get(Fixtures.CONFIGMAPS, "default", "a").body().toString());
        assertThat(a.rv()).isEqualTo(rv);
    }

    @Test
    void aPutIgnoresStatusAndAPutOnStatusChangesOnlyStatus() {
        Harness h = new Harness();
        h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{'replicas':1,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
        Harness.Answer put = h.put(Fixtures.DEPLOYMENTS, "default", "d", json("{'metadata':{'name':'d'},'spec':{'replicas':1,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}},'status':{'replicas':5}}"));
        assertThat(put.body().has("status")).isFalse();
        Harness.Answer status = h.call("PUT", new Target(Fixtures.DEPLOYMENTS, "default", "d", "status"), "",
                json("{'metadata':{'name':'d'},'spec':{'replicas':9,'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}},'status':{'replicas':5}}"));
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().path("status").path("replicas").asInt()).isEqualTo(5);
        assertThat(status.body().path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(status.body().path("metadata").path("generation").asLong()).isEqualTo(1);
    }

    @Test
    void creationTimestampAndUidCannotBeChanged() {
        Harness h = new Harness();
        Harness.Answer created = h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        h.clock.advance(java.time.Duration.ofHours(1));
        Harness.Answer a = h.put(Fixtures.CONFIGMAPS, "default", "a", json("{'metadata':{'name':'a','creationTimestamp':'2020-01-01T00:00:00Z'},'data':{'x':'y'}}"));
        assertThat(a.body().path("metadata").path("creationTimestamp")).isEqualTo(created.body().path("metadata").path("creationTimestamp"));
        assertThat(a.body().path("metadata").path("uid")).isEqualTo(created.body().path("metadata").path("uid"));
    }

    @Test
    void aPatchIsDefaultedAndValidatedLikeAnUpdateAndAnInvalidOneStoresNothing() {
        Harness h = new Harness();
        String rv = h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{'selector':{'matchLabels':{'a':'b'}},"
                + "'template':{'metadata':{'labels':{'a':'b'}},'spec':{'containers':[{'name':'c','image':'i'}]}}}}")).rv();
        Harness.Answer negative = h.patch(Fixtures.DEPLOYMENTS, "default", "d", "application/merge-patch+json", "",
                json("{'spec':{'replicas':-1}}"));
        assertThat(negative.status()).isEqualTo(422);
        assertThat(negative.message()).contains("spec.replicas");
        assertThat(h.get(Fixtures.DEPLOYMENTS, "default", "d").rv()).isEqualTo(rv);

        Harness.Answer dryRun = h.patch(Fixtures.DEPLOYMENTS, "default", "d", "application/merge-patch+json", "dryRun=All",
                json("{'spec':{'replicas':5}}"));
        assertThat(dryRun.status()).isEqualTo(200);
        assertThat(dryRun.body().path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(h.get(Fixtures.DEPLOYMENTS, "default", "d").body().path("spec").path("replicas").asInt()).isEqualTo(1);

        // A container added by a patch gets the defaults a created one gets.
        Harness.Answer added = h.patch(Fixtures.DEPLOYMENTS, "default", "d", "application/json-patch+json", "",
                json("[{'op':'add','path':'/spec/template/spec/containers/-','value':{'name':'side','image':'j:1'}}]"));
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.body().path("spec").path("template").path("spec").path("containers").get(1).path("imagePullPolicy").asString())
                .isEqualTo("IfNotPresent");
    }
}
