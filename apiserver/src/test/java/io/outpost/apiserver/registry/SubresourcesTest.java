package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SubresourcesTest {

    private final Harness h = new Harness();

    private Target scale() {
        return new Target(Fixtures.DEPLOYMENTS, "default", "d", "scale");
    }

    private void deployment() {
        h.create(Fixtures.DEPLOYMENTS, "default", json("{'metadata':{'name':'d'},'spec':{'replicas':2,'selector':{'matchLabels':{'tier':'f','app':'x'},"
                + "'matchExpressions':[{'key':'env','operator':'In','values':['prod','dev']}]},"
                + "'template':{'metadata':{'labels':{'tier':'f','app':'x','env':'prod'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
    }

    @Test
    void scaleShowsReplicasAndTheSelectorAsAString() {
        deployment();
        Harness.Answer a = h.call("GET", scale(), "", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("kind").asString()).isEqualTo("Scale");
        assertThat(a.body().path("apiVersion").asString()).isEqualTo("autoscaling/v1");
        assertThat(a.body().path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(a.body().path("status").path("selector").asString()).isEqualTo("app=x,env in (dev,prod),tier=f");
        assertThat(a.body().path("metadata").path("name").asString()).isEqualTo("d");
    }

    @Test
    void aMergePatchOfScaleChangesOnlyTheReplicasAndBumpsGeneration() {
        deployment();
        var request = Harness.request("PATCH", "", json("{'spec':{'replicas':4}}"), Map.of("content-type", List.of("application/merge-patch+json")));
        var response = h.registry.handle(request, scale());
        assertThat(response.status()).isEqualTo(200);
        Harness.Answer d = h.get(Fixtures.DEPLOYMENTS, "default", "d");
        assertThat(d.body().path("spec").path("replicas").asInt()).isEqualTo(4);
        assertThat(d.body().path("spec").path("selector").path("matchLabels").path("app").asString()).isEqualTo("x");
        assertThat(d.body().path("metadata").path("generation").asLong()).isEqualTo(2);
    }

    @Test
    void aPutOfScaleAtAnOldResourceVersionIsAConflict() {
        deployment();
        Harness.Answer a = h.call("PUT", scale(), "", json("{'metadata':{'name':'d','resourceVersion':'1'},'spec':{'replicas':4}}"));
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.reason()).isEqualTo("Conflict");
        Harness.Answer ok = h.call("PUT", scale(), "", json("{'metadata':{'name':'d'},'spec':{'replicas':0}}"));
        assertThat(ok.body().path("spec").path("replicas").asInt()).isZero();
    }

    @Test
    void negativeReplicasAreInvalid() {
        deployment();
        assertThat(h.call("PUT", scale(), "", json("{'spec':{'replicas':-1}}")).status()).isEqualTo(422);
    }

    @Test
    void aKindWithoutScaleHasNoScaleSubresource() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'a'}}"));
        assertThat(h.call("GET", new Target(Fixtures.CONFIGMAPS, "default", "a", "scale"), "", null).status()).isEqualTo(404);
    }

    @Test
    void bindingAssignsAnUnboundPodOnceOnly() {
        h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"));
        Target binding = new Target(Fixtures.PODS, "default", "p", "binding");
        Harness.Answer bound = h.call("POST", binding, "", json("{'kind':'Binding','apiVersion':'v1','metadata':{'name':'p'},'target':{'kind':'Node','name':'n1'}}"));
        assertThat(bound.status()).isEqualTo(201);
        assertThat(bound.body().path("status").asString()).isEqualTo("Success");
        Harness.Answer pod = h.get(Fixtures.PODS, "default", "p");
        assertThat(pod.body().path("spec").path("nodeName").asString()).isEqualTo("n1");
        assertThat(pod.body().path("status").path("conditions").get(0).path("type").asString()).isEqualTo("PodScheduled");

        Harness.Answer again = h.call("POST", binding, "", json("{'metadata':{'name':'p'},'target':{'kind':'Node','name':'n2'}}"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"n1\"");
    }

    @Test
    void bindingAMissingPodIsNotFound() {
        Harness.Answer a = h.call("POST", new Target(Fixtures.PODS, "default", "nope", "binding"), "",
                json("{'metadata':{'name':'nope'},'target':{'name':'n1'}}"));
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.message()).isEqualTo("pods \"nope\" not found");
    }

    @Test
    void getOnStatusAnswersTheObject() {
        h.create(Fixtures.PODS, "default", json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"));
        Harness.Answer a = h.call("GET", new Target(Fixtures.PODS, "default", "p", "status"), "", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("status").path("phase").asString()).isEqualTo("Pending");
    }
}
