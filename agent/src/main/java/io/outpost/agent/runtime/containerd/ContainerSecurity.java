package io.outpost.agent.runtime.containerd;

import java.util.List;

/**
 * A container's {@code securityContext} as CRI's {@code LinuxContainerSecurityContext} takes it,
 * which {@link io.outpost.agent.runtime.ContainerConfig} does not carry: the pod worker merges the
 * pod's and the container's security contexts as kubelet does ({@code
 * kuberuntime_container_linux.go}) and the runtime passes the fields through.
 *
 * @param runAsUser      null for the image's user
 * @param runAsGroup     null for the image's group
 * @param seccomp        {@code RuntimeDefault}, {@code Unconfined}, {@code Localhost} or empty
 *                       (unset: kubelet's default is Unconfined)
 * @param seccompLocalhostProfile the profile path for {@code Localhost}
 * @param apparmor       {@code RuntimeDefault}, {@code Unconfined}, {@code Localhost} or empty
 * @param apparmorLocalhostProfile the profile name for {@code Localhost}
 * @param noNewPrivileges the negation of {@code allowPrivilegeEscalation}
 */
public record ContainerSecurity(Long runAsUser, Long runAsGroup, List<Long> supplementalGroups, boolean readOnlyRootFilesystem,
                                boolean privileged, List<String> addCapabilities, List<String> dropCapabilities,
                                String seccomp, String seccompLocalhostProfile, String apparmor,
                                String apparmorLocalhostProfile, boolean noNewPrivileges) {

    public static final ContainerSecurity DEFAULT = new ContainerSecurity(null, null, List.of(), false, false, List.of(),
            List.of(), "", "", "", "", false);

    public ContainerSecurity {
        supplementalGroups = List.copyOf(supplementalGroups);
        addCapabilities = List.copyOf(addCapabilities);
        dropCapabilities = List.copyOf(dropCapabilities);
    }
}
