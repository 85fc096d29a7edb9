package io.outpost.agent.runtime.containerd;

/**
 * How the image of a container is made present before it is created (kubelet's image manager):
 * the container's {@code imagePullPolicy} and the registry credentials from the pod's {@code
 * imagePullSecrets} that match the image's registry.
 *
 * @param policy the pull policy
 * @param auth   null for an anonymous pull
 */
public record ImagePull(Policy policy, Auth auth) {

    /** IfNotPresent with no credentials: what the plain {@code ContainerRuntime} calls use. */
    public static final ImagePull IF_NOT_PRESENT = new ImagePull(Policy.IF_NOT_PRESENT, null);

    public enum Policy {
        ALWAYS, IF_NOT_PRESENT, NEVER;

        /** {@code Always}, {@code IfNotPresent}, {@code Never} as the pod spec spells them. */
        public static Policy of(String value) {
            return switch (value) {
                case "Always" -> ALWAYS;
                case "IfNotPresent" -> IF_NOT_PRESENT;
                case "Never" -> NEVER;
                default -> throw new IllegalArgumentException("imagePullPolicy " + value + " is not Always, IfNotPresent or Never");
            };
        }
    }

    /**
     * Credentials for one registry, as a {@code .dockerconfigjson} entry holds them (CRI
     * {@code AuthConfig}).
     */
    public record Auth(String serverAddress, String username, String password) {

        @Override
        public String toString() {
            return "Auth[" + serverAddress + ", " + username + ", password redacted]";
        }
    }
}
