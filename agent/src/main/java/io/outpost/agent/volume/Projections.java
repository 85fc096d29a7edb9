package io.outpost.agent.volume;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.outpost.agent.env.ConfigError;
import io.outpost.agent.env.DownwardApi;
import io.outpost.agent.state.DesiredState;
import io.outpost.agent.volume.AtomicWriter.FileProjection;

/**
 * The payloads of ConfigMap, Secret, downwardAPI and projected volumes, as kubelet's volume plugins
 * compute them ({@code pkg/volume/configmap}, {@code secret}, {@code downwardapi}, {@code projected}):
 * all keys, or only {@code items} (a missing item key fails unless the source is optional), each
 * file with the item's mode or the volume's {@code defaultMode} (0644).
 *
 * <p>Thread model: stateless; any thread.
 */
final class Projections {

    static final int DEFAULT_MODE = 0644;

    private final DesiredState desired;
    private final DownwardApi downward;

    Projections(DesiredState desired, DownwardApi downward) {
        this.desired = desired;
        this.downward = downward;
    }

    Map<String, FileProjection> configMap(Pod pod, String name, List<KeyToPath> items, Boolean optional, Integer defaultMode)
            throws VolumeError {
        Optional<ConfigMap> cm = desired.configMap(pod.getMetadata().getNamespace(), name);
        if (cm.isEmpty()) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new VolumeError("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.get().getData() != null) {
            cm.get().getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.get().getBinaryData() != null) {
            cm.get().getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        return keyed("configmap", name, data, items, optional, defaultMode);
    }

    Map<String, FileProjection> secret(Pod pod, String name, List<KeyToPath> items, Boolean optional, Integer defaultMode)
            throws VolumeError {
        Optional<Secret> secret = desired.secret(pod.getMetadata().getNamespace(), name);
        if (secret.isEmpty()) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new VolumeError("secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.get().getData() != null) {
            secret.get().getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.get().getStringData() != null) {
            secret.get().getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return keyed("secret", name, data, items, optional, defaultMode);
    }

    Map<String, FileProjection> downwardApi(Pod pod, List<DownwardAPIVolumeFile> items, Integer defaultMode) throws VolumeError {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
        for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            String value;
            try {
                if (item.getFieldRef() != null) {
                    value = downward.field(pod, item.getFieldRef());
                } else if (item.getResourceFieldRef() != null) {
                    Container first = pod.getSpec().getContainers().getFirst();
                    value = downward.resource(pod, first, item.getResourceFieldRef());
                } else {
                    continue;
                }
            } catch (ConfigError e) {
                throw new VolumeError(e.getMessage());
            }
            out.put(item.getPath(), new FileProjection(value.getBytes(StandardCharsets.UTF_8),
                    item.getMode() == null ? mode : item.getMode()));
        }
        return out;
    }

    Map<String, FileProjection> projected(Pod pod, List<VolumeProjection> sources, Integer defaultMode) throws VolumeError {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        for (VolumeProjection source : sources == null ? List.<VolumeProjection>of() : sources) {
            if (source.getConfigMap() != null) {
                var cm = source.getConfigMap();
                out.putAll(configMap(pod, cm.getName(), cm.getItems(), cm.getOptional(), defaultMode));
            } else if (source.getSecret() != null) {
                var s = source.getSecret();
                out.putAll(secret(pod, s.getName(), s.getItems(), s.getOptional(), defaultMode));
            } else if (source.getDownwardAPI() != null) {
                out.putAll(downwardApi(pod, source.getDownwardAPI().getItems(), defaultMode));
            } else if (source.getServiceAccountToken() != null) {
                // kubelet requests the token itself (TokenRequest); here the server sends it after the
                // pod through the tunnel, so a pod cannot start before it has arrived.
                String token = desired.serviceAccountToken(pod, source.getServiceAccountToken())
                        .orElseThrow(() -> new VolumeError("the service-account token of pod " + pod.getMetadata().getName()
                                + " has not been received from the server yet"));
                out.put(source.getServiceAccountToken().getPath(),
                        new FileProjection(token.getBytes(StandardCharsets.UTF_8), defaultMode == null ? DEFAULT_MODE : defaultMode));
            }
        }
        return out;
    }

    private static Map<String, FileProjection> keyed(String kind, String name, Map<String, byte[]> data, List<KeyToPath> items,
                                                     Boolean optional, Integer defaultMode) throws VolumeError {
        int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
        Map<String, FileProjection> out = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> out.put(k, new FileProjection(v, mode)));
            return out;
        }
        for (KeyToPath item : items) {
            byte[] v = data.get(item.getKey());
            if (v == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new VolumeError(kind + " " + name + " references non-existent key: " + item.getKey());
            }
            out.put(item.getPath(), new FileProjection(v, item.getMode() == null ? mode : item.getMode()));
        }
        return out;
    }
}
