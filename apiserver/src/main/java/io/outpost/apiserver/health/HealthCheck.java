package io.outpost.apiserver.health;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One named check of {@code /livez}, {@code /readyz} or {@code /healthz}. It is called on a
 * request's virtual thread and should answer quickly (the datastore check reads from memory or
 * does one cheap query).
 *
 * @param name as kube lists it: {@code [+]name ok}
 */
public record HealthCheck(String name, BooleanSupplier check) {

    public static final HealthCheck PING = new HealthCheck("ping", () -> true);

    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (!name.matches("[a-z0-9][-a-z0-9]*")) {
            throw new IllegalArgumentException("a check name is lower-case letters, digits and dashes: " + name);
        }
    }

    boolean passes() {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
