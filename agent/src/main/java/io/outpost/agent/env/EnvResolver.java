package io.outpost.agent.env;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.outpost.agent.state.DesiredState;

/**
 * A container's environment as kubelet builds it ({@code kubelet_pods.go makeEnvironmentVariables}):
 * first {@code envFrom} sources in order (a later one wins; keys that are not valid variable names
 * are skipped and reported), then {@code env} entries, each value {@code $(VAR)}-expanded against
 * what is defined before it.
 *
 * <p>Thread model: stateless; any thread.
 */
public final class EnvResolver {

    /** Kubernetes' {@code IsEnvVarName}. */
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /** The environment and the envFrom keys that were skipped as invalid. */
    public record Resolved(Map<String, String> env, List<String> invalidKeys) {
    }

    private final DesiredState desired;
    private final DownwardApi downward;

    public EnvResolver(DesiredState desired, DownwardApi downward) {
        this.desired = desired;
        this.downward = downward;
    }

    public Resolved resolve(Pod pod, Container container) throws ConfigError {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                Map<String, String> data;
                if (from.getConfigMapRef() != null) {
                    String name = from.getConfigMapRef().getName();
                    Optional<ConfigMap> cm = desired.configMap(ns, name);
                    if (cm.isEmpty()) {
                        if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                            continue;
                        }
                        throw new ConfigError("configmap \"" + name + "\" not found");
                    }
                    data = configMapData(cm.get());
                } else if (from.getSecretRef() != null) {
                    String name = from.getSecretRef().getName();
                    Optional<Secret> secret = desired.secret(ns, name);
                    if (secret.isEmpty()) {
                        if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                            continue;
                        }
                        throw new ConfigError("secret \"" + name + "\" not found");
                    }
                    data = secretData(secret.get());
                } else {
                    continue;
                }
                for (Map.Entry<String, String> e : data.entrySet()) {
                    String key = prefix + e.getKey();
                    if (!ENV_NAME.matcher(key).matches()) {
                        invalid.add(key);
                        continue;
                    }
                    env.put(key, e.getValue());
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                String value;
                if (var.getValueFrom() == null) {
                    value = Expansion.expand(var.getValue() == null ? "" : var.getValue(), env::get);
                } else {
                    Optional<String> v = valueFrom(pod, container, var.getValueFrom());
                    if (v.isEmpty()) {
                        continue;
                    }
                    value = v.get();
                }
                env.remove(var.getName());
                env.put(var.getName(), value);
            }
        }
        return new Resolved(env, invalid);
    }

    private Optional<String> valueFrom(Pod pod, Container container, EnvVarSource from) throws ConfigError {
        String ns = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return Optional.of(downward.field(pod, from.getFieldRef()));
        }
        if (from.getResourceFieldRef() != null) {
            return Optional.of(downward.resource(pod, container, from.getResourceFieldRef()));
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<ConfigMap> cm = desired.configMap(ns, ref.getName());
            if (cm.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
            }
            String v = configMapData(cm.get()).get(ref.getKey());
            if (v == null && !optional) {
                throw new ConfigError("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
            }
            return Optional.ofNullable(v);
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Secret> secret = desired.secret(ns, ref.getName());
            if (secret.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ConfigError("secret \"" + ref.getName() + "\" not found");
            }
            String v = secretData(secret.get()).get(ref.getKey());
            if (v == null && !optional) {
                throw new ConfigError("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
            }
            return Optional.ofNullable(v);
        }
        return Optional.empty();
    }

    /** A ConfigMap's {@code data} and (decoded as UTF-8) {@code binaryData}. */
    public static Map<String, String> configMapData(ConfigMap cm) {
        Map<String, String> out = new LinkedHashMap<>();
        if (cm.getData() != null) {
            out.putAll(cm.getData());
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** A Secret's {@code data} decoded from base64, then {@code stringData} (which wins, as the API server merges it). */
    public static Map<String, String> secretData(Secret secret) {
        Map<String, String> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            out.putAll(secret.getStringData());
        }
        return out;
    }
}
