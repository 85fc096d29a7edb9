package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.registry.ValidationTest.Case;

/** Nodes, leases, events, services, secrets and finalizers: kube's answers to bad objects. */
class ClusterValidationTest {

    static Stream<Case> invalid() {
        return Stream.of(
                new Case("A taint needs an effect", Fixtures.NODES, "{'metadata':{'name':'n'},'spec':{'taints':[{'key':'k'}]}}",
                        "Node \"n\" is invalid: spec.taints[0].effect: Required value", "spec.taints[0].effect", "FieldValueRequired"),
                new Case("An unknown taint effect is not supported", Fixtures.NODES,
                        "{'metadata':{'name':'n'},'spec':{'taints':[{'key':'k','effect':'NoAdmit'}]}}",
                        "spec.taints[0].effect: Unsupported value: \"NoAdmit\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                        "spec.taints[0].effect", "FieldValueNotSupported"),
                new Case("A taint key must be a qualified name", Fixtures.NODES,
                        "{'metadata':{'name':'n'},'spec':{'taints':[{'key':'a b','effect':'NoSchedule'}]}}",
                        "spec.taints[0].key: Invalid value: \"a b\": name part must consist of alphanumeric characters", "spec.taints[0].key", "FieldValueInvalid"),
                new Case("Taints are unique by key and effect", Fixtures.NODES,
                        "{'metadata':{'name':'n'},'spec':{'taints':[{'key':'k','effect':'NoSchedule'},{'key':'k','value':'v','effect':'NoSchedule'}]}}",
                        "taints must be unique by key and effect pair", "spec.taints[1]", "FieldValueDuplicate"),
                new Case("A pod CIDR must be a CIDR", Fixtures.NODES, "{'metadata':{'name':'n'},'spec':{'podCIDR':'10.0.0.0'}}",
                        "spec.podCIDRs[0]: Invalid value: \"10.0.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                        "spec.podCIDRs[0]", "FieldValueInvalid"),
                new Case("Two pod CIDRs must be one per IP family", Fixtures.NODES,
                        "{'metadata':{'name':'n'},'spec':{'podCIDRs':['10.0.0.0/24','10.0.1.0/24']}}",
                        "may specify no more than one CIDR for each IP family", "spec.podCIDRs", "FieldValueInvalid"),
                new Case("A lease lasts more than zero seconds", Fixtures.LEASES, "{'metadata':{'name':'l'},'spec':{'holderIdentity':'h','leaseDurationSeconds':0}}",
                        "Lease.coordination.k8s.io \"l\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                        "spec.leaseDurationSeconds", "FieldValueInvalid"),
                new Case("Lease transitions are not negative", Fixtures.LEASES, "{'metadata':{'name':'l'},'spec':{'leaseTransitions':-1}}",
                        "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0", "spec.leaseTransitions", "FieldValueInvalid"),
                new Case("An event is in its involved object's namespace", Fixtures.EVENTS,
                        "{'metadata':{'name':'e'},'involvedObject':{'kind':'Pod','name':'p','namespace':'other'}}",
                        "Event \"e\" is invalid: involvedObject.namespace: Invalid value: \"other\": does not match event.namespace",
                        "involvedObject.namespace", "FieldValueInvalid"),
                new Case("A new-style event names its reporting component", Fixtures.EVENTS,
                        "{'metadata':{'name':'e'},'eventTime':'2025-01-01T00:00:00.000000Z','involvedObject':{'namespace':'default'},'reportingInstance':'i','action':'a','reason':'r'}",
                        "reportingController: Required value", "reportingController", "FieldValueRequired"),
                new Case("A finalizer must be a qualified name", Fixtures.CONFIGMAPS, "{'metadata':{'name':'a','finalizers':['a b']}}",
                        "metadata.finalizers: Invalid value: \"a b\": name part must consist of alphanumeric characters", "metadata.finalizers", "FieldValueInvalid"),
                new Case("A service needs ports", Fixtures.SERVICES, "{'metadata':{'name':'s'},'spec':{}}",
                        "Service \"s\" is invalid: spec.ports: Required value", "spec.ports", "FieldValueRequired"),
                new Case("A service name must be a DNS-1035 label", Fixtures.SERVICES, "{'metadata':{'name':'1s'},'spec':{'ports':[{'port':80}]}}",
                        "metadata.name: Invalid value: \"1s\": a DNS-1035 label must consist of lower case alphanumeric characters", "metadata.name", "FieldValueInvalid"),
                new Case("Several service ports each need a name", Fixtures.SERVICES, "{'metadata':{'name':'s'},'spec':{'ports':[{'port':80},{'port':81,'name':'b'}]}}",
                        "spec.ports[0].name: Required value", "spec.ports[0].name", "FieldValueRequired"),
                new Case("An ExternalName service needs an external name", Fixtures.SERVICES, "{'metadata':{'name':'s'},'spec':{'type':'ExternalName'}}",
                        "spec.externalName: Required value", "spec.externalName", "FieldValueRequired"),
                new Case("A service port above 65535 is invalid", Fixtures.SERVICES, "{'metadata':{'name':'s'},'spec':{'ports':[{'port':70000}]}}",
                        "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.ports[0].port", "FieldValueInvalid"),
                new Case("A TLS secret needs its key", Fixtures.SECRETS, "{'metadata':{'name':'s'},'type':'kubernetes.io/tls','data':{'tls.crt':'YQ=='}}",
                        "data[tls.key]: Required value", "data[tls.key]", "FieldValueRequired"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidObjectsAre422WithKubesMessageAndCauses(Case c) {
        ValidationTest.assertInvalid(c);
    }

    @Test
    void aSecretWhoseDataIsNotBase64IsABadRequest() {
        Harness h = new Harness();
        Harness.Answer a = h.create(Fixtures.SECRETS, "default", json("{'metadata':{'name':'s'},'data':{'k':'a!bc'}}"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.reason()).isEqualTo("BadRequest");
        assertThat(a.message()).isEqualTo("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 1");
        assertThat(h.kv.count(Fixtures.SECRETS.keyPrefix())).isZero();
    }

    @Test
    void aServiceGetsKubesDefaults() {
        var spec = new Harness().create(Fixtures.SERVICES, "default", json("{'metadata':{'name':'s'},'spec':{'ports':[{'port':80}]}}")).body().path("spec");
        assertThat(spec.path("type").asString()).isEqualTo("ClusterIP");
        assertThat(spec.path("sessionAffinity").asString()).isEqualTo("None");
        assertThat(spec.path("internalTrafficPolicy").asString()).isEqualTo("Cluster");
        assertThat(spec.path("ports").get(0).toString()).isEqualTo("{\"port\":80,\"protocol\":\"TCP\",\"targetPort\":80}");
    }

    @Test
    void aNodesAllocatableDefaultsToItsCapacity() {
        var status = new Harness().create(Fixtures.NODES, null, json("{'metadata':{'name':'n'},'status':{'capacity':{'cpu':'2'}}}")).body().path("status");
        assertThat(status.path("allocatable").toString()).isEqualTo("{\"cpu\":\"2\"}");
    }

    @Test
    void aNodesPodCidrIsSetOnlyOnce() {
        Harness h = new Harness();
        h.create(Fixtures.NODES, null, json("{'metadata':{'name':'n'},'spec':{'podCIDRs':['10.0.0.0/24']}}"));
        Harness.Answer a = h.put(Fixtures.NODES, null, "n", json("{'metadata':{'name':'n'},'spec':{'podCIDRs':['10.0.1.0/24']}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).contains("spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid");
    }
}
