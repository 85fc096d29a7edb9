package io.outpost.agent.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.state.StatusSink;

/** A {@link StatusSink} that keeps everything it is told, for assertions. */
public final class RecordingStatusSink implements StatusSink {

    private final Map<String, PodStatus> latest = new ConcurrentHashMap<>();
    private final List<PodStatus> history = new CopyOnWriteArrayList<>();
    private final List<String> terminated = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile java.util.Map<String, String> nodeLabels = java.util.Map.of();
    private volatile NodeStatus node;

    @Override
    public void podStatus(String namespace, String name, String uid, PodStatus status) {
        latest.put(namespace + "/" + name, status);
        history.add(status);
    }

    @Override
    public void podTerminated(String namespace, String name, String uid) {
        terminated.add(namespace + "/" + name + "/" + uid);
    }

    @Override
    public void nodeStatus(NodeStatus status) {
        node = status;
    }

    @Override
    public void nodeMetadata(java.util.Map<String, String> labels, java.util.Map<String, String> annotations) {
        nodeLabels = java.util.Map.copyOf(labels);
    }

    /** The labels last reported for the node. */
    public java.util.Map<String, String> nodeLabels() {
        return nodeLabels;
    }

    @Override
    public void event(Event event) {
        events.add(event);
    }

    public Optional<PodStatus> pod(String namespace, String name) {
        return Optional.ofNullable(latest.get(namespace + "/" + name));
    }

    public String phase(String namespace, String name) {
        return pod(namespace, name).map(PodStatus::getPhase).orElse("");
    }

    public Optional<ContainerStatus> container(String namespace, String name, String container) {
        return pod(namespace, name).flatMap(s -> s.getContainerStatuses().stream().filter(c -> c.getName().equals(container)).findFirst());
    }

    public String condition(String namespace, String name, String type) {
        return pod(namespace, name).flatMap(s -> s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst())
                .map(PodCondition::getStatus).orElse("");
    }

    public List<String> terminated() {
        return new ArrayList<>(terminated);
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    public List<String> eventReasons() {
        return events.stream().map(Event::getReason).toList();
    }

    public NodeStatus node() {
        return node;
    }
}
