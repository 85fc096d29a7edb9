package io.outpost.apiserver.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectRef;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One node's downstream: brings the agent up to date, then streams the node's changes.
 *
 * <ul>
 *   <li><b>Resume</b> (the agent applied up to revision L, and the store still has the history
 *       after L): the projection as of L is rebuilt from a read at L (no bytes sent), then the
 *       store's watch from L replays every later event, of which only the node's are sent.</li>
 *   <li><b>Difference</b> (a first connection, or the history after L is compacted): the agent's
 *       digest (what it holds, at which resourceVersion) is compared with the projection read at
 *       the current revision R: only objects that are new or at another version are sent, and
 *       deletions for what the agent holds that is no longer in it. Then the watch from R.</li>
 *   <li>After either, {@link Frame.Synced}; then every change as it happens. {@link #progress}
 *       is the revision up to which every change has been sent, for the heartbeat answers.</li>
 *   <li>With {@link PodTokens}, the service-account tokens of the pods' projected volumes: not
 *       revisioned: sent on a connection for the pods whose tokens the {@link TokenLedger} does not
 *       know the agent to hold (after the difference, or after the first poll of a resume), then
 *       for each new pod after its change and whenever one grows old; checked after every poll.</li>
 * </ul>
 *
 * <p>Thread model: {@link #run} is the body of one virtual thread per connection; it ends when
 * the connection does (the sender throws) or the thread is interrupted. {@link #progress} is
 * read by the session's reader thread.
 */
final class Downstream {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** How long the agent may take to send its digest. */
    private static final Duration DIGEST_WAIT = Duration.ofSeconds(60);

    /** Sends one frame on the connection. */
    interface Sender {
        void send(Frame frame) throws IOException, InterruptedException;
    }

    private final KvStore store;
    private final NodeProjection projection;
    private final String node;
    private final Sender sender;
    private final BlockingQueue<Frame.Digest> digests;
    private final Duration pollInterval;
    /** The pods' service-account tokens, if the server mints them. */
    private final Optional<PodTokens> tokens;
    /** The shape of each object as last sent in full on this connection. */
    private final Map<ObjectRef, Shape> sent = new HashMap<>();
    private volatile long progress;

    Downstream(KvStore store, String node, Sender sender, BlockingQueue<Frame.Digest> digests, Duration pollInterval) {
        this(store, node, sender, digests, pollInterval, Optional.empty());
    }

    /** As above, also sending the tokens of the pods' projected volumes ({@link PodTokens}). */
    Downstream(KvStore store, String node, Sender sender, BlockingQueue<Frame.Digest> digests, Duration pollInterval,
               Optional<PodTokens> tokens) {
        this.tokens = tokens;
        this.store = store;
        this.node = node;
        this.projection = new NodeProjection(node);
        this.sender = sender;
        this.digests = digests;
        this.pollInterval = pollInterval;
    }

    long progress() {
        return progress;
    }

    /**
     * Brings the agent (at {@code lastRevision}, holding objects or not) up to date and streams
     * changes until the connection ends.
     */
    void run(long lastRevision, boolean holds) throws IOException, InterruptedException {
        long from;
        boolean synced;
        if (lastRevision > 0 && lastRevision >= store.compactRevision() && lastRevision <= store.currentRevision()) {
            try {
                for (KeyValue pod : podsAt(lastRevision)) {
                    ObjectRef ref = StoreKeys.ref(pod.key()).orElseThrow();
                    JsonNode json = JSON.readTree(pod.value());
                    projection.pod(ref, json);
                    tokens.ifPresent(t -> t.pod(ref, json));
                }
                tokens.ifPresent(PodTokens::settled);
                from = lastRevision;
                synced = false;
            } catch (StoreException.Compacted e) {
                from = difference(true);
                synced = true;
            }
        } else {
            from = difference(holds);
            synced = true;
        }
        progress = from;
        while (true) {
            try (Watch watch = store.watch(StoreKeys.CORE, from)) {
                stream(watch, synced);
                return;
            } catch (StoreException.Compacted e) {
                // The history went between the read and the watch: fall back to the difference.
                from = difference(true);
                synced = true;
            }
        }
    }

    private void stream(Watch watch, boolean synced) throws IOException, InterruptedException {
        long settled = progress;
        long caughtUpAt = store.currentRevision();
        while (true) {
            long before = store.currentRevision();
            List<Event> events = watch.poll(pollInterval);
            for (Event event : events) {
                handle(event);
                progress = event.revision();
            }
            sendDueTokens();
            if (events.isEmpty()) {
                // The node is up to date as far as the store was before the previous poll: every
                // write up to there was committed at least a whole poll interval ago, so its event
                // has been delivered, of the node's or not. Progress moves on even if nothing of
                // the node changes, so that the agent's resume point never falls behind compaction.
                progress = Math.max(progress, settled);
                settled = before;
                if (!synced && progress >= caughtUpAt) {
                    sender.send(new Frame.Synced(progress));
                    synced = true;
                }
            }
        }
    }

    private void handle(Event event) throws IOException, InterruptedException {
        Optional<ObjectRef> parsed = StoreKeys.ref(event.key());
        if (parsed.isEmpty()) {
            return;
        }
        ObjectRef ref = parsed.get();
        boolean deleted = event.type() == Event.Type.DELETE;
        switch (ref.kind()) {
            case POD -> {
                JsonNode pod = deleted ? null : JSON.readTree(event.kv().value());
                boolean held = projection.holdsPod(ref);
                List<ObjectRef> appeared = projection.pod(ref, pod);
                tokens.ifPresent(t -> t.pod(ref, projection.holdsPod(ref) ? pod : null));
                if (projection.holdsPod(ref)) {
                    for (ObjectRef r : appeared) {
                        sendCurrent(r, event.revision());
                    }
                    sendPut(event.revision(), ref, pod);
                } else if (held) {
                    sendDelete(event.revision(), ref);
                }
            }
            case CONFIG_MAP, SECRET -> {
                if (projection.referenced(ref)) {
                    if (deleted) {
                        sendDelete(event.revision(), ref);
                    } else {
                        sendPut(event.revision(), ref, JSON.readTree(event.kv().value()));
                    }
                }
            }
            case NODE -> {
                if (ref.name().equals(node)) {
                    if (deleted) {
                        sendDelete(event.revision(), ref);
                    } else {
                        sendPut(event.revision(), ref, JSON.readTree(event.kv().value()));
                    }
                }
            }
        }
    }

    /** A newly referenced object as of {@code revision} (the latest if that is compacted). */
    private void sendCurrent(ObjectRef ref, long revision) throws IOException, InterruptedException {
        Optional<KeyValue> kv;
        try {
            kv = store.get(StoreKeys.key(ref), revision);
        } catch (StoreException.Compacted e) {
            kv = store.get(StoreKeys.key(ref));
        }
        if (kv.isPresent()) {
            sendPut(kv.get().modRevision(), ref, JSON.readTree(kv.get().value()));
        }
    }

    /**
     * Sends an object's new version, or only a {@link Frame.Touch} if nothing but its status
     * changed since the version sent on this connection (the agent's own status report coming
     * back, or a node's heartbeat times): the pod workers own status, and these echoes would
     * otherwise be most of an idle node's traffic.
     */
    private void sendPut(long revision, ObjectRef ref, JsonNode object) throws IOException, InterruptedException {
        byte[] body = body(object);
        Shape shape = Shape.of(object);
        if (shape.equals(sent.get(ref))) {
            sender.send(new Frame.Touch(revision, ref));
        } else {
            sent.put(ref, shape);
            sender.send(new Frame.Change(revision, ref, body));
        }
    }

    private void sendDelete(long revision, ObjectRef ref) throws IOException, InterruptedException {
        sent.remove(ref);
        sender.send(Frame.Change.delete(revision, ref));
    }

    /** A digest of an object without its status (SHA-256, first 128 bits): what the agent acts on. */
    record Shape(long high, long low) {
        static Shape of(JsonNode object) {
            JsonNode withoutStatus = object;
            if (object instanceof ObjectNode o && o.has("status")) {
                ObjectNode copy = o.deepCopy();
                copy.remove("status");
                withoutStatus = copy;
            }
            try {
                java.nio.ByteBuffer digest = java.nio.ByteBuffer.wrap(
                        java.security.MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(withoutStatus)));
                return new Shape(digest.getLong(), digest.getLong());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }

    /**
     * Asks for the agent's digest (none is needed from an agent that holds nothing), and sends
     * what differs from the projection at the current revision. Returns that revision.
     */
    private long difference(boolean askDigest) throws IOException, InterruptedException {
        projection.clear();
        sent.clear();
        tokens.ifPresent(PodTokens::clear);
        Map<ObjectRef, Long> held = new HashMap<>();
        if (askDigest) {
            digests.clear();
            sender.send(new Frame.DigestRequest(store.compactRevision()));
            Frame.Digest digest = digests.poll(DIGEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (digest == null) {
                throw new IOException("the agent sent no digest within " + DIGEST_WAIT);
            }
            digest.held().forEach(h -> held.put(h.ref(), h.resourceVersion()));
        }
        long revision = store.currentRevision();
        Map<ObjectRef, KeyValue> projected = new TreeMap<>();
        for (KeyValue pod : podsAt(revision)) {
            ObjectRef ref = StoreKeys.ref(pod.key()).orElseThrow();
            JsonNode json = JSON.readTree(pod.value());
            projection.pod(ref, json);
            tokens.ifPresent(t -> t.pod(ref, json));
            projected.put(ref, pod);
        }
        tokens.ifPresent(PodTokens::settled);
        for (ObjectRef ref : projection.referencedObjects()) {
            store.get(StoreKeys.key(ref), revision).ifPresent(kv -> projected.put(ref, kv));
        }
        store.get(StoreKeys.key(ObjectRef.node(node)), revision).ifPresent(kv -> projected.put(ObjectRef.node(node), kv));
        for (Map.Entry<ObjectRef, KeyValue> e : projected.entrySet()) {
            KeyValue kv = e.getValue();
            if (held.getOrDefault(e.getKey(), -1L) != kv.modRevision()) {
                sendPut(kv.modRevision(), e.getKey(), JSON.readTree(kv.value()));
            }
        }
        for (ObjectRef ref : held.keySet()) {
            if (!projected.containsKey(ref)) {
                sendDelete(revision, ref);
            }
        }
        sendDueTokens();
        sender.send(new Frame.Synced(revision));
        return revision;
    }

    /**
     * The tokens due now: new pods' after their pod, and refreshes (checked after every poll).
     * Sent with the progress so far: every frame that can move the agent's resume point past it
     * goes after them ({@link TokenLedger}).
     */
    private void sendDueTokens() throws IOException, InterruptedException {
        if (tokens.isPresent()) {
            for (Frame.ServiceAccountToken token : tokens.get().dueNow(progress)) {
                sender.send(token);
            }
        }
    }

    /** The pods bound to this node as of {@code revision}, read in pages. */
    private List<KeyValue> podsAt(long revision) {
        List<KeyValue> out = new java.util.ArrayList<>();
        RangeRequest page = new RangeRequest(StoreKeys.PODS, null, 500, revision);
        while (true) {
            RangeResult result = store.range(page);
            for (KeyValue kv : result.kvs()) {
                if (projection.boundHere(JSON.readTree(kv.value()))) {
                    out.add(kv);
                }
            }
            if (!result.more()) {
                return out;
            }
            page = page.startingAt(result.nextStartKey());
        }
    }

    /**
     * What the agent gets of an object: its JSON without {@code managedFields} (the agent never
     * applies, so it has no use for them, and they are often a third of a pod's bytes).
     */
    static byte[] body(JsonNode object) {
        if (object instanceof ObjectNode o && o.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
            meta.remove("resourceVersion");
        }
        return JSON.writeValueAsBytes(object);
    }
}
