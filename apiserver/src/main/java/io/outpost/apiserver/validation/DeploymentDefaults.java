package io.outpost.apiserver.validation;

import tools.jackson.databind.node.ObjectNode;

/**
 * apps/v1 {@code SetDefaults_Deployment}: one replica, a RollingUpdate strategy of 25% surge and
 * 25% unavailable, ten old ReplicaSets kept, a 600 s progress deadline; and the template's pod
 * spec defaults.
 */
final class DeploymentDefaults {

    private DeploymentDefaults() {
    }

    static void apply(ObjectNode deployment) {
        ObjectNode spec = Trees.object(deployment, "spec");
        Trees.defaultLong(spec, "replicas", 1);
        ObjectNode strategy = Trees.object(spec, "strategy");
        Trees.defaultText(strategy, "type", "RollingUpdate");
        if (Trees.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Trees.object(strategy, "rollingUpdate");
            if (Trees.absent(rolling, "maxUnavailable")) {
                rolling.put("maxUnavailable", "25%");
            }
            if (Trees.absent(rolling, "maxSurge")) {
                rolling.put("maxSurge", "25%");
            }
        }
        Trees.defaultLong(spec, "revisionHistoryLimit", 10);
        Trees.defaultLong(spec, "progressDeadlineSeconds", 600);
        Workloads.defaultTemplate(spec);
    }
}
