package io.outpost.scheduler.framework;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/** Taint and toleration matching as kube's {@code v1.Toleration.ToleratesTaint}. */
public final class Tolerations {

    private Tolerations() {
    }

    /**
     * An empty effect tolerates every effect; an empty key with operator Exists tolerates every
     * taint; operator Exists ignores the value; Equal (the default) compares it.
     */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        String effect = toleration.getEffect();
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey();
        if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal"
                : toleration.getOperator();
        return switch (operator) {
            case "Exists" -> true;
            case "Equal" -> Objects.equals(emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
            default -> false;
        };
    }

    public static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : Resources.nullToEmpty(tolerations)) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s;
    }
}
