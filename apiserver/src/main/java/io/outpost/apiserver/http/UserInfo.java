package io.outpost.apiserver.http;

import java.util.List;
import java.util.Objects;

/**
 * Who made a request, as authentication established it (Kubernetes' {@code user.Info}).
 *
 * @param name   the user name: a client certificate's CN, or a token's user
 * @param groups a certificate's O values or a token's groups, plus {@code system:authenticated}
 */
public record UserInfo(String name, List<String> groups) {

    public static final String AUTHENTICATED = "system:authenticated";
    public static final String MASTERS = "system:masters";

    public UserInfo {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
