package io.outpost.agent.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.events.v1.Event;

/** The objects the agent's JSON is held to (test resources {@code json-corpus/}): what the tunnel brings and what the agent reports. */
final class Corpus {

    /** One object: its file, the type it is read as, and whether it carries fields fabric8 does not know. */
    record Entry(String description, String file, Class<?> type, boolean unknownFields) {
        @Override
        public String toString() {
            return description;
        }

        byte[] json() {
            try (InputStream in = Corpus.class.getResourceAsStream("/json-corpus/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("no test resource json-corpus/" + file);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Stream<Entry> all() {
        return Stream.of(
                new Entry("A pod using every field the agent reads", "pod-rich.json", Pod.class, false),
                new Entry("A pod with unknown fields at every level and nulls everywhere", "pod-unknown-and-nulls.json", Pod.class, true),
                new Entry("A pod with quantities spelt every way, as numbers and as objects", "pod-quantities.json", Pod.class, false),
                new Entry("A pod with only what a pod needs", "pod-minimal.json", Pod.class, false),
                new Entry("A node with its spec and a full status", "node.json", Node.class, false),
                new Entry("A ConfigMap with binaryData", "configmap.json", ConfigMap.class, false),
                new Entry("A TLS Secret", "secret.json", Secret.class, false),
                new Entry("A pod status with every container state", "podstatus.json", PodStatus.class, false),
                new Entry("A node status as the agent reports it", "nodestatus.json", NodeStatus.class, false),
                new Entry("An events.k8s.io Event with microsecond times and a series", "event.json", Event.class, false),
                new Entry("An approved CertificateSigningRequest", "csr.json", CertificateSigningRequest.class, false));
    }

    static Stream<Entry> pods() {
        return all().filter(e -> e.type() == Pod.class);
    }

    private Corpus() {
    }
}
