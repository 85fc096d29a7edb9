package io.outpost.agent.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.outpost.agent.state.DesiredState;

/** A {@link DesiredState} a test fills by hand; every change calls the listeners. */
public final class InMemoryDesiredState implements DesiredState {

    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Inputs generations by namespace/pod: every ConfigMap, Secret or token put moves all pods on (a test's state is small). */
    private final Map<String, Long> inputs = new LinkedHashMap<>();
    private long generation;

    public InMemoryDesiredState put(Pod pod) {
        synchronized (this) {
            pods.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
        }
        fire(); // outside the lock, as the real desired state calls its listeners
        return this;
    }

    public InMemoryDesiredState remove(Pod pod) {
        synchronized (this) {
            pods.remove(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
        }
        fire(); // outside the lock, as the real desired state calls its listeners
        return this;
    }

    public InMemoryDesiredState put(ConfigMap cm) {
        synchronized (this) {
            configMaps.put(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), cm);
            inputsChanged();
        }
        fire(); // outside the lock, as the real desired state calls its listeners
        return this;
    }

    public InMemoryDesiredState put(Secret s) {
        synchronized (this) {
            secrets.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
            inputsChanged();
        }
        fire(); // outside the lock, as the real desired state calls its listeners
        return this;
    }

    public InMemoryDesiredState token(String namespace, String pod, String token) {
        synchronized (this) {
            tokens.put(namespace + "/" + pod, token);
            inputsChanged();
        }
        fire(); // outside the lock, as the real desired state calls its listeners
        return this;
    }

    private void inputsChanged() {
        generation++;
        pods.keySet().forEach(key -> inputs.put(key, generation));
    }

    @Override
    public synchronized long inputsGeneration(String namespace, String name) {
        return inputs.getOrDefault(namespace + "/" + name, 0L);
    }

    private void fire() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public synchronized List<Pod> pods() {
        return new ArrayList<>(pods.values());
    }

    @Override
    public synchronized Optional<ConfigMap> configMap(String namespace, String name) {
        return Optional.ofNullable(configMaps.get(namespace + "/" + name));
    }

    @Override
    public synchronized Optional<Secret> secret(String namespace, String name) {
        return Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    @Override
    public synchronized Optional<String> serviceAccountToken(Pod pod, io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection source) {
        return Optional.ofNullable(tokens.get(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()));
    }

    @Override
    public Optional<Node> node() {
        return Optional.empty();
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }
}
