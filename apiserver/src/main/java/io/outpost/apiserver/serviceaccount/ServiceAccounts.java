package io.outpost.apiserver.serviceaccount;

import java.util.List;
import java.util.Optional;

/**
 * Names of service-account users and groups (kube's {@code k8s.io/apiserver/pkg/authentication/serviceaccount}).
 */
public final class ServiceAccounts {

    public static final String USER_PREFIX = "system:serviceaccount:";
    public static final String ALL_GROUP = "system:serviceaccounts";
    public static final String GROUP_PREFIX = "system:serviceaccounts:";
    public static final String DEFAULT = "default";

    /** The user extra keys of a bound token (kube's {@code serviceaccount.PodNameKey} and the others). */
    public static final String EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";
    public static final String EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";
    public static final String EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";
    public static final String EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";
    public static final String EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

    private ServiceAccounts() {
    }

    public static String userName(String namespace, String name) {
        return USER_PREFIX + namespace + ":" + name;
    }

    /** The groups a service account's user is in, {@code system:authenticated} last as kube lists it. */
    public static List<String> groups(String namespace) {
        return List.of(ALL_GROUP, GROUP_PREFIX + namespace, "system:authenticated");
    }

    /** The namespace and name of a service account's user name, if it is one. */
    public static Optional<String[]> split(String userName) {
        if (!userName.startsWith(USER_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = userName.substring(USER_PREFIX.length()).split(":", -1);
        return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? Optional.of(parts) : Optional.empty();
    }
}
