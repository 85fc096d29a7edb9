package io.outpost.apiserver.auth;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a node may do, as kube's Node authorizer ({@code plugin/pkg/auth/authorizer/node}) with
 * the {@code system:node} role it is paired with, for users named {@code system:node:<name>} in
 * the group {@code system:nodes}:
 * <ul>
 * <li>its own Node: get, list and watch (by name), create, update and patch, and its status;
 * <li>its Lease in {@code kube-node-lease}: get, create, update, patch, delete (the name is not
 *     known on create; kube's NodeRestriction admission checks it, which Outpost has not yet);
 * <li>CertificateSigningRequests: create, get, list, watch (its renewals);
 * <li>Events: create, update, patch;
 * <li>pods bound to it ({@code spec.nodeName}): get, delete, and update or patch their status;
 *     list and watch only with {@code fieldSelector=spec.nodeName=<name>} (kube 1.32's
 *     {@code AuthorizeNodeWithSelectors});
 * <li>Secrets and ConfigMaps referenced by a pod bound to it ({@link PodReferences}): get, and
 *     list or watch of that one name;
 * <li>{@code serviceaccounts/token}: create, for the service account of a pod bound to it (the
 *     token must then be bound to that pod: {@code BoundTokens}' node restriction, kube's
 *     NodeRestriction admission).
 * </ul>
 * Anything else about these resources is no opinion with kube's reason ("no relationship found
 * between node ... and this object"), so the request is 403 unless another authorizer allows it.
 *
 * <p>kube keeps a graph of pod → node and secret → pod edges fed by informers; this looks the pods
 * up per request in the registry's watch cache (memory): a get of a pod reads that one pod, a get
 * of a Secret or ConfigMap scans the cached pods once; a refusal is checked again once the cache
 * has caught up with the store, so a pod bound a moment ago counts. That is cheap at the hundreds
 * to few thousands of pods an Outpost cluster holds; a graph is the way on past that.
 *
 * <p>Thread model: stateless apart from the cache it reads; any request thread.
 */
public final class NodeAuthorizer implements Authorizer {

    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_PREFIX = "system:node:";
    static final String LEASE_NAMESPACE = "kube-node-lease";

    private static final List<String> READ = List.of("get", "list", "watch");

    private final ObjectSource objects;
    private final ResourceType pods;

    public NodeAuthorizer(ObjectSource objects, ResourceType pods) {
        this.objects = objects;
        this.pods = pods;
    }

    /** The node a user is, if it is one. */
    public static Optional<String> nodeName(UserInfo user) {
        if (!user.inGroup(NODES_GROUP) || !user.name().startsWith(NODE_PREFIX) || user.name().length() == NODE_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(user.name().substring(NODE_PREFIX.length()));
    }

    @Override
    public Decision authorize(Attributes a) {
        Optional<String> node = nodeName(a.user());
        if (node.isEmpty() || !a.resourceRequest()) {
            return Decision.NO_OPINION;
        }
        String n = node.get();
        String verb = a.verb();
        return switch (a.apiGroup() + "/" + a.resource()) {
            case "/nodes" -> a.name().equals(n) && (a.subresource().isEmpty() ? List.of("get", "list", "watch", "create", "update", "patch")
                    .contains(verb) : a.subresource().equals("status") && List.of("get", "update", "patch").contains(verb))
                    || verb.equals("create") && a.name().isEmpty() && a.subresource().isEmpty()
                    ? allow() : noRelationship(n, a);
            case "coordination.k8s.io/leases" -> a.namespace().equals(LEASE_NAMESPACE) && a.subresource().isEmpty()
                    && (verb.equals("create") && a.name().isEmpty()
                        || a.name().equals(n) && List.of("get", "update", "patch", "delete", "list", "watch").contains(verb))
                    ? allow() : noRelationship(n, a);
            case "certificates.k8s.io/certificatesigningrequests" -> a.subresource().isEmpty()
                    && List.of("create", "get", "list", "watch").contains(verb) ? allow() : Decision.NO_OPINION;
            case "/events", "events.k8s.io/events" -> List.of("create", "update", "patch").contains(verb) ? allow() : Decision.NO_OPINION;
            case "/pods" -> pod(n, a);
            case "/secrets" -> referenced(n, a, true);
            case "/configmaps" -> referenced(n, a, false);
            case "/serviceaccounts" -> a.subresource().equals("token") && a.verb().equals("create") && !a.name().isEmpty()
                    && (runsAs(n, a, objects.list(pods)) || runsAs(n, a, objects.listFresh(pods))) ? allow() : noRelationship(n, a);
            default -> Decision.NO_OPINION;
        };
    }

    private Decision pod(String node, Attributes a) {
        String verb = a.verb();
        if ((verb.equals("list") || verb.equals("watch")) && a.subresource().isEmpty()) {
            return selectsNode(a.fieldSelector(), node) ? allow()
                    : Decision.noOpinion("can only " + verb + " pods with spec.nodeName field selector");
        }
        boolean allowed = a.subresource().isEmpty() ? List.of("get", "delete").contains(verb)
                : a.subresource().equals("status") && List.of("get", "update", "patch").contains(verb);
        if (!allowed || a.name().isEmpty()) {
            return noRelationship(node, a);
        }
        Optional<ObjectNode> pod = objects.get(pods, a.namespace(), a.name());
        if (pod.isEmpty() || !node.equals(pod.get().path("spec").path("nodeName").asString(""))) {
            // A pod bound a moment ago may not be in the cache yet: ask once it has caught up.
            pod = objects.getFresh(pods, a.namespace(), a.name());
        }
        return pod.isPresent() && node.equals(pod.get().path("spec").path("nodeName").asString("")) ? allow()
                : noRelationship(node, a);
    }

    /** A Secret or ConfigMap: only by name, and only if a pod bound to the node uses it. */
    private Decision referenced(String node, Attributes a, boolean secret) {
        if (!READ.contains(a.verb()) || a.name().isEmpty() || !a.subresource().isEmpty() || a.namespace().isEmpty()) {
            return noRelationship(node, a);
        }
        return uses(node, a, secret, objects.list(pods)) || uses(node, a, secret, objects.listFresh(pods)) ? allow()
                : noRelationship(node, a);
    }

    private static boolean uses(String node, Attributes a, boolean secret, ObjectSource.Listing listing) {
        for (ObjectSource.Item item : listing.items()) {
            JsonNode pod = item.object();
            if (!a.namespace().equals(pod.path("metadata").path("namespace").asString(""))
                    || !node.equals(pod.path("spec").path("nodeName").asString(""))) {
                continue;
            }
            if ((secret ? PodReferences.secrets(pod) : PodReferences.configMaps(pod)).contains(a.name())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a pod bound to the node runs as the service account {@code a} names. */
    private static boolean runsAs(String node, Attributes a, ObjectSource.Listing listing) {
        for (ObjectSource.Item item : listing.items()) {
            JsonNode pod = item.object();
            if (a.namespace().equals(pod.path("metadata").path("namespace").asString(""))
                    && node.equals(pod.path("spec").path("nodeName").asString(""))
                    && a.name().equals(pod.path("spec").path("serviceAccountName").asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the selector requires {@code spec.nodeName=<node>} (kube's RequiresExactMatch). */
    static boolean selectsNode(String fieldSelector, String node) {
        for (String term : fieldSelector.split(",")) {
            String t = term.strip();
            for (String op : new String[] {"spec.nodeName==", "spec.nodeName="}) {
                if (t.startsWith(op) && t.substring(op.length()).strip().equals(node)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Decision allow() {
        return Decision.allow("");
    }

    private static Decision noRelationship(String node, Attributes a) {
        return Decision.noOpinion("no relationship found between node '" + node + "' and this object");
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        if (nodeName(user).isEmpty()) {
            return Rules.NONE;
        }
        String n = nodeName(user).get();
        // The per-object rules (pods, secrets, configmaps) depend on the object: listed as incomplete.
        return new Rules(List.of(
                new Rules.ResourceRule(List.of("get", "list", "watch", "update", "patch"), List.of(""), List.of("nodes", "nodes/status"), List.of(n)),
                new Rules.ResourceRule(List.of("create"), List.of(""), List.of("nodes"), List.of()),
                new Rules.ResourceRule(List.of("create", "get", "list", "watch"), List.of("certificates.k8s.io"),
                        List.of("certificatesigningrequests"), List.of()),
                new Rules.ResourceRule(List.of("create", "update", "patch"), List.of("", "events.k8s.io"), List.of("events"), List.of())),
                List.of(), true);
    }
}
