package io.outpost.agent.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.outpost.agent.state.DesiredState;
import io.outpost.agent.json.AgentJson;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.JsonTree;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;
import io.outpost.tunnel.PodReferences;
import tools.jackson.core.JacksonException;

/**
 * The node's desired state: the objects of the {@link LocalStore}, kept decoded in memory for the
 * pod workers, and the one place downstream {@link Frame.Change}s are applied.
 *
 * <p>Applying is idempotent by resourceVersion: a change at or below the version held is
 * skipped, so a change delivered twice (at-least-once: the agent died between persisting and
 * acknowledging, or a replay overlaps) changes nothing. After a pod changes, the ConfigMaps and
 * Secrets no pod references any more are dropped here: the server stops sending their changes
 * but never says so.
 *
 * <p>Thread model: {@link #apply} is called by the sync loop's thread only; the
 * {@link DesiredState} reads from any thread (the maps are concurrent and their values
 * immutable snapshots). Listeners run on the sync loop's thread after the change is persisted.
 */
final class DesiredStateView implements DesiredState {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateView.class);

    /**
     * An object held: its version, the JSON as received, the typed object for readers, and (for a
     * pod) the ConfigMaps and Secrets it references, read once from its JSON.
     */
    private record Held(long resourceVersion, byte[] json, HasMetadata object, Set<ObjectRef> references) {

        static Held of(ObjectRef ref, long resourceVersion, byte[] json) {
            return new Held(resourceVersion, json, decode(ref.kind(), json, resourceVersion),
                    ref.kind() == ObjectKind.POD ? PodReferences.of(JsonTree.ofPlain(AgentJson.plain(json))) : Set.of());
        }
    }

    private final LocalStore store;
    private final Map<ObjectRef, Held> held = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** The service-account tokens, by namespace/pod and source. */
    private final Map<TokenKey, LocalStore.StoredToken> tokens = new ConcurrentHashMap<>();

    private record TokenKey(String namespace, String pod, String audience, long expirationSeconds) {
    }

    /** {@link #inputsGeneration}, by namespace/pod; a pod absent is at 0. */
    private final Map<String, Long> inputs = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    /** Touched objects not yet written, with the version touched; the sync loop's thread only. */
    private final Map<ObjectRef, Long> unsavedTouches = new java.util.LinkedHashMap<>();

    /** Loads what the store holds: the state the agent runs after a restart with no link. */
    DesiredStateView(LocalStore store) {
        this.store = store;
        for (LocalStore.Stored s : store.objects()) {
            try {
                held.put(s.ref(), Held.of(s.ref(), s.resourceVersion(), s.json()));
            } catch (RuntimeException e) {
                LOG.warn("dropping {} from the local store: it does not decode ({})", s.ref(), e.getMessage());
                store.deleteObject(s.ref());
            }
        }
        for (LocalStore.StoredToken t : store.tokens()) {
            tokens.put(new TokenKey(t.namespace(), t.pod(), t.audience(), t.expirationSeconds()), t);
        }
    }

    /**
     * Persists {@code change} unless the version held is the same or newer.
     *
     * @return whether anything changed
     */
    boolean apply(Frame.Change change) {
        return applyAll(List.of(change)) > 0;
    }

    /**
     * Persists the changes of a batch, in order, each unless the version held is the same or
     * newer, then tells the listeners once. The objects are written together
     * ({@link LocalStore#writeObjects}: one commit for the batch when the store's writer groups
     * them), so a burst of pods costs a few commits rather than one each.
     *
     * @return how many changed anything
     */
    int applyAll(List<Frame.Change> changes) {
        Map<ObjectRef, Held> written = new java.util.LinkedHashMap<>(); // null value: deleted
        boolean pods = false;
        for (Frame.Change change : changes) {
            ObjectRef ref = change.ref();
            Held current = written.containsKey(ref) ? written.get(ref) : held.get(ref);
            if (change.deletion()) {
                if (current == null || current.resourceVersion() > change.revision()) {
                    continue;
                }
                written.put(ref, null);
            } else {
                if (current != null && current.resourceVersion() >= change.revision()) {
                    continue;
                }
                Held decoded;
                try {
                    decoded = Held.of(ref, change.revision(), change.body());
                } catch (JacksonException e) {
                    // Refusing it would bring it back on every reconnect: skipped until its next change.
                    LOG.warn("skipping {}: it does not decode as its kind ({})", change, e.getOriginalMessage());
                    continue;
                }
                written.put(ref, decoded);
            }
            pods |= ref.kind() == ObjectKind.POD;
        }
        if (written.isEmpty()) {
            return 0;
        }
        Map<ObjectRef, LocalStore.Stored> toStore = new java.util.LinkedHashMap<>();
        written.forEach((ref, h) -> toStore.put(ref, h == null ? null : new LocalStore.Stored(ref, h.resourceVersion(), h.json())));
        store.writeObjects(toStore);
        written.forEach((ref, h) -> {
            if (h == null) {
                held.remove(ref);
                if (ref.kind() == ObjectKind.POD) {
                    dropTokens(ref.namespace(), ref.name());
                }
            } else {
                held.put(ref, h);
            }
            unsavedTouches.remove(ref); // written whole (or gone), at a newer version than any touch
        });
        if (pods) {
            dropUnreferenced();
        }
        inputsChanged(written.keySet());
        listeners.forEach(DesiredStateView::runQuietly);
        return written.size();
    }

    /**
     * Records that an object is now at {@code touch.revision()} with only its status changed
     * (the body held stays: status is the pod workers' to observe, not the server's to tell).
     * Listeners are not called: nothing the pod workers act on changed.
     *
     * <p>Held at once, written to the store by {@link #saveTouches} when the sync loop has nothing
     * else to do: most touches are the agent's own status reports coming back, a burst of pods
     * brings several per pod, and each written at once was an fsync'd commit that the next pod's
     * change waited behind. Latest wins per object. Nothing is lost in a crash: the store's
     * revision is written only after the touches ({@link SyncLoop}), so the server replays them.
     */
    void touch(Frame.Touch touch) {
        Held current = held.get(touch.ref());
        if (current == null || current.resourceVersion() >= touch.revision()) {
            return;
        }
        held.put(touch.ref(), new Held(touch.revision(), current.json(), decode(touch.ref().kind(), current.json(), touch.revision()),
                current.references()));
        unsavedTouches.put(touch.ref(), touch.revision());
    }

    /** Writes the touches held but not yet stored (the sync loop's thread, when idle and before the revision is written). */
    void saveTouches() {
        for (Map.Entry<ObjectRef, Long> t : unsavedTouches.entrySet()) {
            Held h = held.get(t.getKey());
            if (h != null && h.resourceVersion() == t.getValue()) {
                store.putObject(t.getKey(), t.getValue(), h.json());
            }
        }
        unsavedTouches.clear();
    }

    /** Whether touches wait to be written. */
    boolean touchesUnsaved() {
        return !unsavedTouches.isEmpty();
    }

    /**
     * Persists a service-account token the server sent, replacing the one held for the same pod
     * and source, and wakes the pod workers (a pod may have been waiting for it to mount its volume).
     */
    void token(Frame.ServiceAccountToken t) {
        LocalStore.StoredToken stored = new LocalStore.StoredToken(t.namespace(), t.pod(), t.podUid(), t.audience(),
                t.expirationSeconds(), t.expiresAtEpochSecond(), t.token());
        store.putToken(stored);
        tokens.put(new TokenKey(t.namespace(), t.pod(), t.audience(), t.expirationSeconds()), stored);
        inputs.put(t.namespace() + "/" + t.pod(), generation.incrementAndGet());
        listeners.forEach(DesiredStateView::runQuietly);
    }

    /** Moves on the inputs generation of every pod that references one of the ConfigMaps or Secrets in {@code changed}. */
    private void inputsChanged(Set<ObjectRef> changed) {
        Set<ObjectRef> objects = new HashSet<>();
        changed.forEach(ref -> {
            if (ref.kind() == ObjectKind.CONFIG_MAP || ref.kind() == ObjectKind.SECRET) {
                objects.add(ref);
            }
        });
        if (objects.isEmpty()) {
            return;
        }
        long next = generation.incrementAndGet();
        held.forEach((ref, h) -> {
            if (ref.kind() == ObjectKind.POD && h.references().stream().anyMatch(objects::contains)) {
                inputs.put(ref.namespace() + "/" + ref.name(), next);
            }
        });
    }

    private void dropTokens(String namespace, String pod) {
        inputs.remove(namespace + "/" + pod);
        store.deleteTokens(namespace, pod);
        tokens.keySet().removeIf(k -> k.namespace().equals(namespace) && k.pod().equals(pod));
    }

    /** What the agent holds, for a digest. */
    List<Frame.Held> inventory() {
        List<Frame.Held> out = new ArrayList<>();
        held.forEach((ref, h) -> out.add(new Frame.Held(ref, h.resourceVersion())));
        out.sort((a, b) -> a.ref().compareTo(b.ref()));
        return out;
    }

    private void dropUnreferenced() {
        Set<ObjectRef> referenced = new HashSet<>();
        held.values().forEach(h -> referenced.addAll(h.references()));
        for (ObjectRef ref : List.copyOf(held.keySet())) {
            if ((ref.kind() == ObjectKind.CONFIG_MAP || ref.kind() == ObjectKind.SECRET) && !referenced.contains(ref)) {
                store.deleteObject(ref);
                held.remove(ref);
            }
        }
    }

    /** The object, at the store's revision it came with (the tunnel does not rewrite the JSON's). */
    private static HasMetadata decode(ObjectKind kind, byte[] json, long resourceVersion) {
        Class<? extends HasMetadata> type = switch (kind) {
            case NODE -> Node.class;
            case POD -> Pod.class;
            case CONFIG_MAP -> ConfigMap.class;
            case SECRET -> Secret.class;
        };
        return AgentJson.decodeAt(json, type, resourceVersion);
    }

    private static void runQuietly(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warn("a desired-state listener failed", e);
        }
    }

    @Override
    public List<Pod> pods() {
        List<Pod> pods = new ArrayList<>();
        held.forEach((ref, h) -> {
            if (ref.kind() == ObjectKind.POD) {
                pods.add((Pod) h.object());
            }
        });
        return pods;
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
        return Optional.ofNullable(held.get(new ObjectRef(ObjectKind.CONFIG_MAP, namespace, name))).map(h -> (ConfigMap) h.object());
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return Optional.ofNullable(held.get(new ObjectRef(ObjectKind.SECRET, namespace, name))).map(h -> (Secret) h.object());
    }

    /** The token held for the source, if it was minted for this pod (its uid: not a former pod of the same name). */
    @Override
    public Optional<String> serviceAccountToken(Pod pod, ServiceAccountTokenProjection source) {
        long seconds = source.getExpirationSeconds() == null ? 3600 : source.getExpirationSeconds();
        LocalStore.StoredToken t = tokens.get(new TokenKey(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                source.getAudience() == null ? "" : source.getAudience(), seconds));
        return t != null && t.podUid().equals(pod.getMetadata().getUid()) ? Optional.of(t.token()) : Optional.empty();
    }

    @Override
    public long inputsGeneration(String namespace, String name) {
        return inputs.getOrDefault(namespace + "/" + name, 0L);
    }

    @Override
    public Optional<Node> node() {
        return held.entrySet().stream().filter(e -> e.getKey().kind() == ObjectKind.NODE).findFirst()
                .map(e -> (Node) e.getValue().object());
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }
}
