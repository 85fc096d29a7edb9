package io.outpost.apiserver.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who made a request, as authentication established it (Kubernetes' {@code user.Info}).
 *
 * @param name   the user name: a client certificate's CN, or a token's user
 * @param groups a certificate's O values or a token's groups, plus {@code system:authenticated}
 * @param uid    the user's uid ({@code ""} when the credential names none; a service account's uid)
 * @param extra  further facts about the credential, as kube's {@code user.Info.GetExtra} (a
 *               service-account token's bound pod and node, its credential id), sorted by key
 */
public record UserInfo(String name, List<String> groups, String uid, Map<String, List<String>> extra) {

    public static final String AUTHENTICATED = "system:authenticated";
    public static final String MASTERS = "system:masters";

    public UserInfo {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        uid = uid == null ? "" : uid;
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        (extra == null ? Map.<String, List<String>>of() : extra).forEach((k, v) -> sorted.put(k, List.copyOf(v)));
        extra = java.util.Collections.unmodifiableMap(sorted);
    }

    /** A user with no uid and no extra (certificates, static and bootstrap tokens). */
    public UserInfo(String name, List<String> groups) {
        this(name, groups, "", Map.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
