package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionChain;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.MutatingPlugin;
import io.outpost.apiserver.admission.ValidatingPlugin;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The registry calls the admission chain at kube's points: mutation after defaulting (and what it
 * changes is validated and stored), validation after the kind's validation with the final name,
 * old objects on updates and deletes, the scale subresource, and refusals as Status with nothing
 * stored.
 */
class AdmissionChainTest {

    /** Every call the plugins saw, as "phase operation resource/subresource name dryRun". */
    final List<String> seen = new ArrayList<>();

    final MutatingPlugin labeller = new MutatingPlugin() {
        @Override
        public String name() {
            return "Labeller";
        }

        @Override
        public void admit(AdmissionAttributes a, List<String> warnings) {
            seen.add("mutate " + describe(a));
            if (a.object() != null && a.subresource().isEmpty()) {
                a.object().withObjectProperty("metadata").withObjectProperty("labels").put("admitted", "yes");
                warnings.add("labelled by admission");
            }
        }
    };

    final ValidatingPlugin guard = new ValidatingPlugin() {
        @Override
        public String name() {
            return "Guard";
        }

        @Override
        public void validate(AdmissionAttributes a, List<String> warnings) {
            seen.add("validate " + describe(a) + (a.oldObject() != null ? " old" : ""));
            JsonNode labels = a.object() == null ? null : a.object().path("metadata").path("labels");
            if (labels != null && a.subresource().isEmpty() && !labels.path("admitted").asString("").equals("yes")) {
                throw new AssertionError("validation ran before mutation");
            }
            if (a.object() != null && a.object().path("metadata").path("name").asString("").startsWith("bad")) {
                throw AdmissionDenied.forbidden(a, "Forbidden", "names starting with bad are refused");
            }
            if (a.subresource().equals("scale") && a.object().path("spec").path("replicas").asInt() > 5) {
                throw AdmissionDenied.forbidden(a, "Forbidden", "at most 5 replicas");
            }
        }
    };

    static String describe(AdmissionAttributes a) {
        return a.operation() + " " + a.resource() + (a.subresource().isEmpty() ? "" : "/" + a.subresource()) + " " + a.name()
                + (a.dryRun() ? " dryRun" : "");
    }

    final Registry registry = new Registry(new RegistryConfig(new InMemoryKvStore(new FakeClock()), Fixtures.ALL, new FakeClock(),
            new Random(7), r -> { }, Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofMillis(5), 1_000, 1_000, false),
            objects -> new AdmissionChain(List.of(labeller), List.of(guard)));

    @BeforeEach
    void start() {
        registry.start();
    }

    @AfterEach
    void close() {
        registry.close();
    }

    Harness.Answer call(String method, Target target, String query, String body, String contentType) {
        Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("content-type", List.of(contentType));
        ApiResponse response = registry.handle(Harness.request(method, query, body, headers), target);
        JsonNode tree = response instanceof ApiResponse.Full f && f.body().length > 0 ? Responses.JSON.readTree(f.body())
                : Responses.JSON.nullNode();
        return new Harness.Answer(response.status(), tree, response);
    }

    @Test
    void aCreateIsMutatedThenValidatedAndStoredAsMutated() {
        Harness.Answer a = call("POST", Target.collection(Fixtures.CONFIGMAPS, "default"), "",
                json("{'metadata':{'generateName':'cm-'}}"), null);
        assertThat(a.status()).isEqualTo(201);
        String name = a.body().path("metadata").path("name").asString();
        assertThat(a.body().path("metadata").path("labels").path("admitted").asString()).isEqualTo("yes");
        assertThat(((ApiResponse.Full) a.response()).headers().get("Warning")).isEqualTo("299 - \"labelled by admission\"");
        assertThat(name).startsWith("cm-");
        assertThat(seen).as("the request's name is the one asked for, as in kube").containsExactly("mutate CREATE configmaps ",
                "validate CREATE configmaps ");
    }

    @Test
    void aRefusalIsTheStatusAndNothingIsStored() {
        Harness.Answer a = call("POST", Target.collection(Fixtures.CONFIGMAPS, "default"), "", json("{'metadata':{'name':'bad-one'}}"), null);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.reason()).isEqualTo("Forbidden");
        assertThat(a.message()).isEqualTo("configmaps \"bad-one\" is forbidden: names starting with bad are refused");
        assertThat(a.body().path("details").path("kind").asString()).isEqualTo("configmaps");
        assertThat(((ApiResponse.Full) a.response()).headers().get("Warning")).as("warnings go with the refusal, as in kube")
                .isEqualTo("299 - \"labelled by admission\"");
        assertThat(call("GET", Target.object(Fixtures.CONFIGMAPS, "default", "bad-one"), "", null, null).status()).isEqualTo(404);
    }

    @Test
    void updatesPatchesAndDeletesSeeTheOldObject() {
        assertThat(call("POST", Target.collection(Fixtures.CONFIGMAPS, "default"), "", json("{'metadata':{'name':'cm'}}"), null).status())
                .isEqualTo(201);
        seen.clear();
        assertThat(call("PUT", Target.object(Fixtures.CONFIGMAPS, "default", "cm"), "dryRun=All",
                json("{'metadata':{'name':'cm'},'data':{'a':'1'}}"), null).status()).isEqualTo(200);
        assertThat(call("PATCH", Target.object(Fixtures.CONFIGMAPS, "default", "cm"), "",
                json("{'data':{'b':'2'}}"), "application/merge-patch+json").status()).isEqualTo(200);
        assertThat(call("DELETE", Target.object(Fixtures.CONFIGMAPS, "default", "cm"), "", null, null).status()).isEqualTo(200);
        assertThat(seen).containsExactly(
                "mutate UPDATE configmaps cm dryRun", "validate UPDATE configmaps cm dryRun old",
                "mutate UPDATE configmaps cm", "validate UPDATE configmaps cm old",
                "mutate DELETE configmaps cm", "validate DELETE configmaps cm old");
    }

    @Test
    void theScaleSubresourceIsValidatedWithTheScaleObject() {
        assertThat(call("POST", Target.collection(Fixtures.DEPLOYMENTS, "default"), "", json("{'metadata':{'name':'web'},'spec':{"
                + "'replicas':1,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"), null).status()).isEqualTo(201);
        Target scale = new Target(Fixtures.DEPLOYMENTS, "default", "web", "scale");
        Harness.Answer a = call("PATCH", scale, "", json("{'spec':{'replicas':9}}"), "application/merge-patch+json");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.message()).isEqualTo("deployments.apps \"web\" is forbidden: at most 5 replicas");
        assertThat(call("PATCH", scale, "", json("{'spec':{'replicas':3}}"), "application/merge-patch+json").status()).isEqualTo(200);
    }

    @Test
    void twoPluginsOfOnePhaseMayNotShareAName() {
        assertThatThrownBy(() -> new AdmissionChain(List.of(), List.of(guard, guard)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Guard");
    }
}
