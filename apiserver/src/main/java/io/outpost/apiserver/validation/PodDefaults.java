package io.outpost.apiserver.validation;

import tools.jackson.databind.node.ObjectNode;

/** kube's {@code SetDefaults_Pod}: the pod spec's defaults and, for a Pod only, {@code enableServiceLinks}. */
final class PodDefaults {

    private PodDefaults() {
    }

    static void apply(ObjectNode pod) {
        ObjectNode spec = Trees.object(pod, "spec");
        PodSpecDefaults.apply(spec);
        Trees.defaultBoolean(spec, "enableServiceLinks", true);
    }
}
