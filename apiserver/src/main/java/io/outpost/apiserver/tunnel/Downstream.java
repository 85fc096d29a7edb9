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
    private volatile long progress;

    Downstream(KvStore store, String node, Sender sender, BlockingQueue<Frame.Digest> digests, Duration pollInterval) {
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
                    projection.pod(StoreKeys.ref(pod.key()).orElseThrow(), JSON.readTree(pod.value()));
                }
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
        while (true) {
            long before = store.currentRevision();
            List<Event> events = watch.poll(pollInterval);
            for (Event event : events) {
                handle(event);
                progress = event.revision();
            }
            if (events.isEmpty()) {
                // A poll that waited a whole interval without an event has seen every event up to
                // the revision read before it: the node is up to date there even if nothing of it changed.
                progress = Math.max(progress, before);
                if (!synced) {
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
                if (projection.holdsPod(ref)) {
                    for (ObjectRef r : appeared) {
                        sendCurrent(r, event.revision());
                    }
                    sender.send(new Frame.Change(event.revision(), ref, body(pod)));
                } else if (held) {
                    sender.send(Frame.Change.delete(event.revision(), ref));
                }
            }
            case CONFIG_MAP, SECRET -> {
                if (projection.referenced(ref)) {
                    sender.send(deleted ? Frame.Change.delete(event.revision(), ref)
                            : new Frame.Change(event.revision(), ref, body(JSON.readTree(event.kv().value()))));
                }
            }
            case NODE -> {
                if (ref.name().equals(node)) {
                    sender.send(deleted ? Frame.Change.delete(event.revision(), ref)
                            : new Frame.Change(event.revision(), ref, body(JSON.readTree(event.kv().value()))));
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
            sender.send(new Frame.Change(kv.get().modRevision(), ref, body(JSON.readTree(kv.get().value()))));
        }
    }

    /**
     * Asks for the agent's digest (none is needed from an agent that holds nothing), and sends
     * what differs from the projection at the current revision. Returns that revision.
     */
    private long difference(boolean askDigest) throws IOException, InterruptedException {
        projection.clear();
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
            projection.pod(ref, JSON.readTree(pod.value()));
            projected.put(ref, pod);
        }
        for (ObjectRef ref : projection.referencedObjects()) {
            store.get(StoreKeys.key(ref), revision).ifPresent(kv -> projected.put(ref, kv));
        }
        store.get(StoreKeys.key(ObjectRef.node(node)), revision).ifPresent(kv -> projected.put(ObjectRef.node(node), kv));
        for (Map.Entry<ObjectRef, KeyValue> e : projected.entrySet()) {
            KeyValue kv = e.getValue();
            if (held.getOrDefault(e.getKey(), -1L) != kv.modRevision()) {
                sender.send(new Frame.Change(kv.modRevision(), e.getKey(), body(JSON.readTree(kv.value()))));
            }
        }
        for (ObjectRef ref : held.keySet()) {
            if (!projected.containsKey(ref)) {
                sender.send(Frame.Change.delete(revision, ref));
            }
        }
        sender.send(new Frame.Synced(revision));
        return revision;
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
