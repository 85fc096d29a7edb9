package io.outpost.apiserver.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BuiltinPatchStrategiesTest {

    record Lookup(String description, String group, String kind, String path, Optional<PatchStrategies.Field> expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Lookup> lookups() {
        return Stream.of(
                new Lookup("A Deployment's template containers merge by name", "apps", "Deployment",
                        "spec.template.spec.containers", Optional.of(PatchStrategies.Field.mergeByKey("name"))),
                new Lookup("A CronJob's job template env merges by name", "batch", "CronJob",
                        "spec.jobTemplate.spec.template.spec.initContainers.env", Optional.of(PatchStrategies.Field.mergeByKey("name"))),
                new Lookup("A StatefulSet's container volume mounts merge by mountPath", "apps", "StatefulSet",
                        "spec.template.spec.containers.volumeMounts", Optional.of(PatchStrategies.Field.mergeByKey("mountPath"))),
                new Lookup("A pod's volumes merge by name and retain keys", "", "Pod",
                        "spec.volumes", Optional.of(PatchStrategies.Field.mergeByKeyRetainingKeys("name"))),
                new Lookup("A Job's ephemeral container ports merge by containerPort", "batch", "Job",
                        "spec.template.spec.ephemeralContainers.ports", Optional.of(PatchStrategies.Field.mergeByKey("containerPort"))),
                new Lookup("A DaemonSet's host aliases merge by ip", "apps", "DaemonSet",
                        "spec.template.spec.hostAliases", Optional.of(PatchStrategies.Field.mergeByKey("ip"))),
                new Lookup("A ReplicaSet's conditions merge by type", "apps", "ReplicaSet",
                        "status.conditions", Optional.of(PatchStrategies.Field.mergeByKey("type"))),
                new Lookup("A Deployment's strategy retains keys", "apps", "Deployment",
                        "spec.strategy", Optional.of(PatchStrategies.Field.retainingKeys())),
                new Lookup("A Service's ports merge by port", "", "Service",
                        "spec.ports", Optional.of(PatchStrategies.Field.mergeByKey("port"))),
                new Lookup("A Node's taints are atomic", "", "Node",
                        "spec.taints", Optional.of(PatchStrategies.Field.atomic())),
                new Lookup("Owner references merge by uid in a ConfigMap", "", "ConfigMap",
                        "metadata.ownerReferences", Optional.of(PatchStrategies.Field.mergeByKey("uid"))),
                new Lookup("Finalizers merge as a set in a Secret", "", "Secret",
                        "metadata.finalizers", Optional.of(PatchStrategies.Field.mergeScalars())),
                new Lookup("A kind without a table still has ObjectMeta's entries", "coordination.k8s.io", "Lease",
                        "metadata.ownerReferences", Optional.of(PatchStrategies.Field.mergeByKey("uid"))),
                new Lookup("A Pod's containers are not at a Deployment's path", "", "Pod",
                        "spec.template.spec.containers", Optional.empty()),
                new Lookup("A container's args have no strategy", "", "Pod", "spec.containers.args", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    void looksUpTheFieldStrategy(Lookup l) {
        assertThat(BuiltinPatchStrategies.forKind(l.group(), l.kind()).field(l.path())).isEqualTo(l.expected());
    }
}
