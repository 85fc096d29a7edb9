package io.outpost.apiserver.tunnel;

import java.util.List;

import io.outpost.apiserver.auth.Attributes;
import io.outpost.apiserver.auth.Authorizer;
import io.outpost.apiserver.auth.Decision;
import io.outpost.apiserver.auth.Rules;
import io.outpost.apiserver.http.UserInfo;

/**
 * Lets a node open its own tunnel and no other: {@code get} on {@code nodes/connect} in API group
 * {@value TunnelEndpoint#GROUP} named {@code <n>} for the user {@code system:node:<n>} in group
 * {@code system:nodes}, as kube's node authorizer scopes a node to its own objects. Everyone else
 * gets no opinion here (an admin in system:masters passes authorization and is refused by the
 * {@link TunnelEndpoint} itself: a tunnel is a node's).
 *
 * <p>Thread model: stateless.
 */
public final class TunnelAuthorizer implements Authorizer {

    public static final String NODE_PREFIX = "system:node:";
    public static final String NODES_GROUP = "system:nodes";

    @Override
    public Decision authorize(Attributes a) {
        return rulesFor(a.user(), a.namespace()).allows(a) ? Decision.allow("a node may open its own tunnel") : Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        String node = nodeName(user);
        if (node == null) {
            return Rules.NONE;
        }
        return new Rules(List.of(new Rules.ResourceRule(List.of("get"), List.of(TunnelEndpoint.GROUP),
                List.of("nodes/connect"), List.of(node))), List.of(), false);
    }

    /** The node a user is, or null if it is no node. */
    static String nodeName(UserInfo user) {
        if (!user.name().startsWith(NODE_PREFIX) || !user.inGroup(NODES_GROUP)) {
            return null;
        }
        String node = user.name().substring(NODE_PREFIX.length());
        return node.isEmpty() ? null : node;
    }
}
