package io.outpost.tunnel;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the tunnel: one WebSocket binary message carries one frame, encoded by
 * {@link FrameCodec}. Each side switches on the frames it may receive with pattern matching;
 * a frame sent the wrong way ends the connection.
 *
 * <p>The conversation: the agent opens with {@link Hello} (the last revision it applied). The
 * server replays the node's changes since then as {@link Change}s, or, if that history is
 * compacted, asks for a {@link Digest} ({@link DigestRequest}) and sends only the difference;
 * either way it then sends {@link Synced}. The agent persists each change before it {@link Ack}s
 * it; a change of nothing but an object's status is only a {@link Touch}. Upstream the agent sends {@link Report}s, each with a sequence number the server
 * acknowledges ({@link ReportAck}) once written. {@link Heartbeat}s keep the link known alive;
 * the server's answer carries its progress, so an idle node's resume point keeps up with the
 * store without any change being sent.
 */
public sealed interface Frame {

    /**
     * Agent → server, first frame: the protocol version, the last revision up to which the agent
     * has every change (0: none), and how many objects it holds (an agent that holds objects but
     * no revision, e.g. one cut off before its first {@link Synced}, is asked for a digest rather
     * than sent everything again).
     */
    record Hello(int version, long lastRevision, int held) implements Frame {
        public static final int VERSION = 1;
    }

    /** Server → agent: the history after the agent's revision is compacted; send a {@link Digest}. */
    record DigestRequest(long compactRevision) implements Frame {
    }

    /** One object the agent holds, at its resourceVersion. */
    record Held(ObjectRef ref, long resourceVersion) {
        public Held {
            Objects.requireNonNull(ref, "ref");
        }
    }

    /** Agent → server: every object the agent holds (its inventory), sorted by ref. */
    record Digest(List<Held> held) implements Frame {
        public Digest {
            held = List.copyOf(held);
        }
    }

    /**
     * Server → agent: an object of the projection at {@code revision} (its resourceVersion), as
     * JSON; an empty body deletes it from the agent (a deleted pod, or one no longer here).
     */
    record Change(long revision, ObjectRef ref, byte[] body) implements Frame {
        public Change {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(body, "body");
        }

        public static Change delete(long revision, ObjectRef ref) {
            return new Change(revision, ref, new byte[0]);
        }

        public boolean deletion() {
            return body.length == 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Change c && revision == c.revision && ref.equals(c.ref) && Arrays.equals(body, c.body);
        }

        @Override
        public int hashCode() {
            return Objects.hash(revision, ref, Arrays.hashCode(body));
        }

        @Override
        public String toString() {
            return "Change[" + revision + " " + ref + (deletion() ? " deleted" : " " + body.length + " bytes") + "]";
        }
    }

    /**
     * Server → agent: the object is now at {@code revision}, but only its status changed (most
     * often the agent's own report coming back). The agent's pod workers own status, so the body
     * is not sent: the agent only records the new resourceVersion, which keeps a later digest
     * from asking for the object again.
     */
    record Touch(long revision, ObjectRef ref) implements Frame {
        public Touch {
            Objects.requireNonNull(ref, "ref");
        }
    }

    /**
     * Server → agent: a service-account token for one {@code serviceAccountToken} projection of a
     * pod bound to the node (kubelet asks for these with TokenRequest; here the server mints them
     * and sends them, again before they grow old: see the server's {@code PodTokens}). Not part of
     * the revisioned projection: the agent keeps the latest per pod, audience and lifetime, and
     * drops them with the pod. {@code audience} is empty for the API server's own audiences.
     * {@link #toString} leaves the token out: tokens are secrets and never logged.
     */
    record ServiceAccountToken(String namespace, String pod, String podUid, String audience, long expirationSeconds,
                               String token, long expiresAtEpochSecond) implements Frame {
        public ServiceAccountToken {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(podUid, "podUid");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "ServiceAccountToken[" + namespace + "/" + pod + " audience=" + audience + " " + expirationSeconds
                    + "s, expires " + expiresAtEpochSecond + "]";
        }
    }

    /** Server → agent: every change of the projection up to {@code revision} has been sent. */
    record Synced(long revision) implements Frame {
    }

    /** Agent → server: every change up to {@code revision} is persisted. */
    record Ack(long revision) implements Frame {
    }

    /** Agent → server: still here. The server answers with {@link HeartbeatAck}. */
    record Heartbeat() implements Frame {
    }

    /**
     * Server → agent: still here; every change of the projection up to {@code revision} has been
     * sent (as {@link Synced}, without a separate frame).
     */
    record HeartbeatAck(long revision) implements Frame {
    }

    /** Server → agent: every report up to {@code seq} is written (or was refused for good). */
    record ReportAck(long seq) implements Frame {
    }

    /** Server → agent: the server will not serve this connection (the reason is for the log); the agent backs off. */
    record Refused(String reason) implements Frame {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Agent → server: what the node observed, numbered by a sequence that only grows. */
    sealed interface Report extends Frame {
        long seq();
    }

    /** The latest status of one pod (JSON of a PodStatus); the uid guards against a new pod of the same name. */
    record PodStatus(long seq, String namespace, String name, String uid, byte[] status) implements Report {
        public PodStatus {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PodStatus p && seq == p.seq && namespace.equals(p.namespace) && name.equals(p.name)
                    && uid.equals(p.uid) && Arrays.equals(status, p.status);
        }

        @Override
        public int hashCode() {
            return Objects.hash(seq, namespace, name, uid, Arrays.hashCode(status));
        }
    }

    /** A pod being deleted has stopped: the server deletes it with grace period 0 if its uid still matches. */
    record PodTerminated(long seq, String namespace, String name, String uid) implements Report {
        public PodTerminated {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uid, "uid");
        }
    }

    /** The node's latest status (JSON of a NodeStatus). */
    record NodeStatus(long seq, byte[] status) implements Report {
        public NodeStatus {
            Objects.requireNonNull(status, "status");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NodeStatus n && seq == n.seq && Arrays.equals(status, n.status);
        }

        @Override
        public int hashCode() {
            return Objects.hash(seq, Arrays.hashCode(status));
        }
    }

    /**
     * The labels and annotations the agent owns on its Node (JSON {@code {"labels":{..},
     * "annotations":{..}}}): its {@code --labels} and {@code --pool}, the well-known labels, link
     * quality. Merged into the Node, never removing keys others set; applied at registration too.
     */
    record NodeMeta(long seq, byte[] metadata) implements Report {
        public NodeMeta {
            Objects.requireNonNull(metadata, "metadata");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NodeMeta n && seq == n.seq && Arrays.equals(metadata, n.metadata);
        }

        @Override
        public int hashCode() {
            return Objects.hash(seq, Arrays.hashCode(metadata));
        }
    }

    /** An Event (JSON of an events.k8s.io/v1 Event). */
    record EventReport(long seq, byte[] event) implements Report {
        public EventReport {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventReport e && seq == e.seq && Arrays.equals(event, e.event);
        }

        @Override
        public int hashCode() {
            return Objects.hash(seq, Arrays.hashCode(event));
        }
    }
}
