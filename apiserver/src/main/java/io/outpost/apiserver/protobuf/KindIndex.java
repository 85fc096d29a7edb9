package io.outpost.apiserver.protobuf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apiextensions;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Flowcontrol;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Node;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1beta1Authentication;
import io.kubernetes.client.proto.V2Autoscaling;

/**
 * Finds the protobuf message of an {@code apiVersion} and {@code kind}, from the
 * {@code generated.proto} files that client-java-proto compiles: {@code apps/v1 Deployment} is
 * {@code k8s.io.api.apps.v1.Deployment}. The files are listed here explicitly (the GA groups a
 * client writes to); a kind outside them is answered 415 so the client can send JSON. Immutable
 * after class initialisation, so thread-safe.
 */
final class KindIndex {

    private static final List<FileDescriptor> FILES = List.of(
            Meta.getDescriptor(), V1.getDescriptor(), V1Apps.getDescriptor(), V1Batch.getDescriptor(),
            V1Authentication.getDescriptor(), V1beta1Authentication.getDescriptor(), V1Authorization.getDescriptor(),
            V1Autoscaling.getDescriptor(), V2Autoscaling.getDescriptor(), V1Certificates.getDescriptor(),
            V1Coordination.getDescriptor(), V1Discovery.getDescriptor(), V1Events.getDescriptor(),
            V1Flowcontrol.getDescriptor(), V1Networking.getDescriptor(), V1Node.getDescriptor(), V1Policy.getDescriptor(),
            V1Rbac.getDescriptor(), V1Scheduling.getDescriptor(), V1Storage.getDescriptor(),
            V1Admissionregistration.getDescriptor(), V1Apiextensions.getDescriptor());

    /** API groups whose proto package is not {@code k8s.io.api.<first label of the group>}. */
    private static final Map<String, String> PACKAGES = Map.of(
            "", "k8s.io.api.core",
            "apiextensions.k8s.io", "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions",
            "internal.apiserver.k8s.io", "k8s.io.api.apiserverinternal",
            "meta.k8s.io", "k8s.io.apimachinery.pkg.apis.meta");

    private static final Map<String, Descriptor> BY_NAME = index();

    private KindIndex() {
    }

    private static Map<String, Descriptor> index() {
        Map<String, Descriptor> byName = new HashMap<>();
        for (FileDescriptor file : FILES) {
            for (Descriptor message : file.getMessageTypes()) {
                byName.put(message.getFullName(), message);
            }
        }
        return Map.copyOf(byName);
    }

    /** The message of a kind, e.g. ("authorization.k8s.io/v1", "SelfSubjectAccessReview"). */
    static Optional<Descriptor> find(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        String pkg = PACKAGES.getOrDefault(group, "k8s.io.api." + group.split("\\.", 2)[0]);
        // Meta's kinds (Status, DeleteOptions, ...) are sent as "v1" from any group.
        Descriptor found = BY_NAME.get(pkg + "." + version + "." + kind);
        return Optional.ofNullable(found != null ? found : BY_NAME.get(PACKAGES.get("meta.k8s.io") + "." + version + "." + kind));
    }
}
