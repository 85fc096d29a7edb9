package io.outpost.apiserver.tunnel;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which service-account tokens each node's agent holds, as far as this server knows, kept across
 * the node's connections: a reconnect then sends only the tokens the agent lacks or that are due
 * for refresh, not every pod's again (about 1 KB a pod: with 100 pods, a reconnect after an hour
 * offline in which one object changed would otherwise cost 50 times the change).
 *
 * <p>The tunnel is ordered and the agent persists what it receives in order, but it does not
 * acknowledge tokens. So a token counts as held once the agent's resume point (its Hello's
 * revision) is above the downstream's progress when the token was sent: every frame that can
 * raise the agent's resume point above that progress (a change, {@code Synced}, a heartbeat's
 * answer) was sent after the token, and so reached the agent after it. A token sent just before
 * the link broke is minted again, as before. The ledger lives in memory: after a server restart,
 * or on another server, every token is minted again once.
 *
 * <p>Thread model: a node usually has one session, but a new one can begin while the old one
 * ends; each node's entries are a map guarded by itself.
 */
final class TokenLedger {

    /** One token an agent holds: its pod and source. */
    private record Key(String podUid, PodTokens.Source source) {
    }

    /** When it is due for refresh, and the downstream's progress when it was sent. */
    private record Sent(Instant due, long progress) {
    }

    private final Map<String, Map<Key, Sent>> nodes = new ConcurrentHashMap<>();

    /** Records that {@code node}'s agent was sent a token, due for refresh at {@code due}. */
    void sent(String node, String podUid, PodTokens.Source source, Instant due, long progress) {
        Map<Key, Sent> held = nodes.computeIfAbsent(node, n -> new HashMap<>());
        synchronized (held) {
            held.put(new Key(podUid, source), new Sent(due, progress));
        }
    }

    /**
     * When the token of that pod and source is due, if the agent, which has applied up to
     * {@code agentRevision}, holds it; empty if it may not.
     */
    Optional<Instant> heldDue(String node, String podUid, PodTokens.Source source, long agentRevision) {
        Map<Key, Sent> held = nodes.get(node);
        if (held == null) {
            return Optional.empty();
        }
        synchronized (held) {
            Sent sent = held.get(new Key(podUid, source));
            return sent != null && sent.progress() < agentRevision ? Optional.of(sent.due()) : Optional.empty();
        }
    }

    /** Forgets the tokens of the pods of {@code node} whose uid is not in {@code podUids}. */
    void retain(String node, Set<String> podUids) {
        Map<Key, Sent> held = nodes.get(node);
        if (held != null) {
            synchronized (held) {
                held.keySet().removeIf(k -> !podUids.contains(k.podUid()));
            }
        }
    }

    /** Forgets the tokens of one pod. */
    void forget(String node, String podUid) {
        Map<Key, Sent> held = nodes.get(node);
        if (held != null) {
            synchronized (held) {
                held.keySet().removeIf(k -> k.podUid().equals(podUid));
            }
        }
    }
}
