package io.outpost.apiserver.auth;

/**
 * An authorizer's answer. As in kube, {@code NO_OPINION} lets the next authorizer decide and a
 * request nobody allows is forbidden; {@code reason} is shown to the user (in the 403 message or
 * an access review's status).
 */
public record Decision(Kind kind, String reason) {

    public enum Kind { ALLOW, DENY, NO_OPINION }

    public static final Decision NO_OPINION = new Decision(Kind.NO_OPINION, "");

    public static Decision allow(String reason) {
        return new Decision(Kind.ALLOW, reason);
    }

    /** No opinion, with why (kube's node authorizer says so: "no relationship found between node ..."). */
    public static Decision noOpinion(String reason) {
        return new Decision(Kind.NO_OPINION, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Kind.DENY, reason);
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
