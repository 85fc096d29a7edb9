package io.outpost.scheduler.framework;

import java.util.List;

/**
 * A plugin's answer: a {@link Code} and the reasons, worded as kube-scheduler words them, since
 * they are counted into the FailedScheduling message ("2 Insufficient cpu"). Never null: success
 * is {@link #SUCCESS}.
 *
 * @param plugin the plugin that answered, filled in by the framework ("" until then)
 */
public record Status(Code code, List<String> reasons, String plugin) {

    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");
    public static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), "");
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), "");
    }

    public static Status error(String reason) {
        return new Status(Code.ERROR, List.of(reason), "");
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public Status withPlugin(String name) {
        return plugin.equals(name) ? this : new Status(code, reasons, name);
    }

    public String message() {
        return String.join(", ", reasons);
    }
}
