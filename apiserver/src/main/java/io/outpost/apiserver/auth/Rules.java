package io.outpost.apiserver.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * What a user may do, as a {@code SelfSubjectRulesReview} lists it ({@code kubectl auth can-i --list}).
 *
 * @param incomplete whether some authorizer could not list its rules
 */
public record Rules(List<ResourceRule> resourceRules, List<NonResourceRule> nonResourceRules, boolean incomplete) {

    public static final Rules NONE = new Rules(List.of(), List.of(), false);

    /** An RBAC-shaped rule; {@code "*"} matches anything. An empty {@code resourceNames} means all names. */
    public record ResourceRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames) {
        public ResourceRule {
            verbs = List.copyOf(verbs);
            apiGroups = List.copyOf(apiGroups);
            resources = List.copyOf(resources);
            resourceNames = List.copyOf(resourceNames);
        }

        boolean matches(Attributes a) {
            String res = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
            return a.resourceRequest() && has(verbs, a.verb()) && has(apiGroups, a.apiGroup()) && has(resources, res)
                    && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
        }
    }

    /** A rule on paths; a URL ending in {@code *} matches every path with that prefix. */
    public record NonResourceRule(List<String> verbs, List<String> nonResourceURLs) {
        public NonResourceRule {
            verbs = List.copyOf(verbs);
            nonResourceURLs = List.copyOf(nonResourceURLs);
        }

        boolean matches(Attributes a) {
            return !a.resourceRequest() && has(verbs, a.verb()) && nonResourceURLs.stream().anyMatch(url -> url.equals("*")
                    || url.equals(a.path()) || url.endsWith("*") && a.path().startsWith(url.substring(0, url.length() - 1)));
        }
    }

    public Rules plus(Rules other) {
        List<ResourceRule> r = new ArrayList<>(resourceRules);
        r.addAll(other.resourceRules);
        List<NonResourceRule> n = new ArrayList<>(nonResourceRules);
        n.addAll(other.nonResourceRules);
        return new Rules(r, n, incomplete || other.incomplete);
    }

    /** Whether a rule here allows {@code a}. */
    public boolean allows(Attributes a) {
        return resourceRules.stream().anyMatch(r -> r.matches(a)) || nonResourceRules.stream().anyMatch(r -> r.matches(a));
    }

    private static boolean has(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }
}
