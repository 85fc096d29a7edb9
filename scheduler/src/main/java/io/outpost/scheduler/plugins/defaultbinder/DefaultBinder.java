package io.outpost.scheduler.plugins.defaultbinder;

import io.outpost.scheduler.framework.BindPlugin;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Status;

/** Binds through the API's {@code pods/binding} subresource (kube's DefaultBinder). */
public final class DefaultBinder implements BindPlugin {

    public static final String NAME = "DefaultBinder";

    private final Binder binder;

    public DefaultBinder(Binder binder) {
        this.binder = binder;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status bind(CycleState state, PodInfo pod, String nodeName) {
        return binder.bind(pod.pod(), nodeName);
    }
}
