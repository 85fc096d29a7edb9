package io.outpost.agent.sync;

import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.state.StatusSink;
import io.outpost.api.Codec;
import io.outpost.tunnel.Frame;

/**
 * The {@link StatusSink} of the sync layer: each report is numbered and persisted in the
 * {@link LocalStore} (coalesced: one waiting status per pod and one for the node, the latest),
 * then the sync loop is woken to send it if the link is up. What is not acknowledged by the
 * server is sent again on the next connection, also after an agent restart.
 *
 * <p>Thread model: any thread; each call is one local write (a few milliseconds: SQLite's
 * commit), never network I/O.
 */
final class StatusReports implements StatusSink {

    private static final Codec CODEC = new Codec();

    private final LocalStore store;
    private final Runnable wake;

    StatusReports(LocalStore store, Runnable wake) {
        this.store = store;
        this.wake = wake;
    }

    @Override
    public void podStatus(String namespace, String name, String uid, PodStatus status) {
        byte[] json = CODEC.toJson(status);
        store.addReport("pod/" + namespace + "/" + name, seq -> new Frame.PodStatus(seq, namespace, name, uid, json));
        wake.run();
    }

    @Override
    public void podTerminated(String namespace, String name, String uid) {
        store.addReport("terminated/" + namespace + "/" + name + "/" + uid, seq -> new Frame.PodTerminated(seq, namespace, name, uid));
        wake.run();
    }

    @Override
    public void nodeStatus(NodeStatus status) {
        byte[] json = CODEC.toJson(status);
        store.addReport("node", seq -> new Frame.NodeStatus(seq, json));
        wake.run();
    }

    @Override
    public void nodeMetadata(Map<String, String> labels, Map<String, String> annotations) {
        byte[] json = CODEC.toJson(Map.of("labels", new TreeMap<>(labels), "annotations", new TreeMap<>(annotations)));
        store.addReport("node-meta", seq -> new Frame.NodeMeta(seq, json));
        wake.run();
    }

    @Override
    public void event(Event event) {
        byte[] json = CODEC.toJson(event);
        store.addReport("event", seq -> new Frame.EventReport(seq, json));
        wake.run();
    }
}
