package io.outpost.agent.env;

/**
 * A container's configuration cannot be resolved (a missing ConfigMap, Secret or key that is not
 * optional): kubelet leaves the container waiting with reason {@code CreateContainerConfigError}.
 */
public final class ConfigError extends Exception {

    public static final String REASON = "CreateContainerConfigError";

    public ConfigError(String message) {
        super(message);
    }
}
