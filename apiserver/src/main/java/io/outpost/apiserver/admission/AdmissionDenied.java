package io.outpost.apiserver.admission;

import java.util.List;

/**
 * A plugin's refusal of a request: the registry answers it as a failure Status with this code,
 * reason, message and details, and stores nothing.
 *
 * @see AdmissionChain
 */
public final class AdmissionDenied extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final String name;
    private final String group;
    private final String kind;
    private final List<String> causes;

    /**
     * @param code    the HTTP status (403 Forbidden, 422 Invalid...)
     * @param reason  the Status reason ({@code Forbidden}, {@code Invalid}...)
     * @param message the whole Status message
     * @param name    {@code details.name}
     * @param group   {@code details.group}, null for the core group
     * @param kind    {@code details.kind} (kube writes the resource here for admission errors)
     * @param causes  messages for {@code details.causes}
     */
    public AdmissionDenied(int code, String reason, String message, String name, String group, String kind,
                           List<String> causes) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.name = name;
        this.group = group;
        this.kind = kind;
        this.causes = List.copyOf(causes);
    }

    /**
     * kube's {@code admission.NewForbidden}: {@code pods "web" is forbidden: <why>} (a resource in
     * another group is {@code deployments.apps}), 403 Forbidden unless {@code reason} says otherwise,
     * with {@code why} as the one cause.
     */
    public static AdmissionDenied forbidden(AdmissionAttributes a, String reason, String why) {
        String name = a.name();
        if (name.isEmpty()) {
            // kube's extractResourceName: the object's name, else its generateName, else "Unknown"
            String inObject = a.object() == null ? "" : a.object().path("metadata").path("name").asString("");
            String generate = a.object() == null ? "" : a.object().path("metadata").path("generateName").asString("");
            name = !inObject.isEmpty() ? inObject : !generate.isEmpty() ? generate : "Unknown";
        }
        String qualified = a.group().isEmpty() ? a.resource() : a.resource() + "." + a.group();
        String message = qualified + " \"" + name + "\" is forbidden: " + why;
        String r = reason == null || reason.isEmpty() ? "Forbidden" : reason;
        return new AdmissionDenied(codeOf(r), r, message, name, a.group().isEmpty() ? null : a.group(), a.resource(),
                List.of(why));
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public String name() {
        return name;
    }

    public String group() {
        return group;
    }

    public String kind() {
        return kind;
    }

    public List<String> causes() {
        return causes;
    }

    /** kube's mapping of a policy's {@code reason} to the HTTP status ({@code reasonToCode}). */
    public static int codeOf(String reason) {
        return switch (reason) {
            case "Forbidden" -> 403;
            case "Unauthorized" -> 401;
            case "RequestEntityTooLarge" -> 413;
            case "Invalid" -> 422;
            default -> 422;
        };
    }
}
