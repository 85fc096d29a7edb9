package io.outpost.apiserver.validation;

import tools.jackson.databind.node.ObjectNode;

/**
 * kube's {@code SetDefaults_PodSpec}, {@code SetDefaults_Container}, {@code SetDefaults_ContainerPort}
 * and {@code SetDefaults_Probe}: what every pod spec gets, in a Pod and in every pod template.
 * (The Pod-only defaults are in {@link PodDefaults}.)
 */
final class PodSpecDefaults {

    private PodSpecDefaults() {
    }

    static void apply(ObjectNode spec) {
        Trees.defaultText(spec, "dnsPolicy", "ClusterFirst");
        Trees.defaultText(spec, "restartPolicy", "Always");
        Trees.object(spec, "securityContext");
        Trees.defaultLong(spec, "terminationGracePeriodSeconds", 30);
        Trees.defaultText(spec, "schedulerName", "default-scheduler");
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (ObjectNode container : Trees.objects(spec, list)) {
                container(container);
            }
        }
    }

    static void container(ObjectNode c) {
        Trees.defaultText(c, "imagePullPolicy", pullPolicy(Trees.text(c, "image")));
        Trees.defaultText(c, "terminationMessagePath", "/dev/termination-log");
        Trees.defaultText(c, "terminationMessagePolicy", "File");
        Trees.object(c, "resources");
        for (ObjectNode port : Trees.objects(c, "ports")) {
            Trees.defaultText(port, "protocol", "TCP");
        }
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.get(probe) instanceof ObjectNode p) {
                probe(p);
            }
        }
    }

    /**
     * Always for {@code :latest} or no tag (the runtime would pull {@code latest} anyway), else
     * IfNotPresent; an image by digest is IfNotPresent. As kube's {@code parsers.ParseImageName}:
     * the tag is after the last ':' of the last path component.
     */
    static String pullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.lastIndexOf(':');
        String tag = colon < 0 ? "latest" : last.substring(colon + 1);
        return tag.equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void probe(ObjectNode p) {
        Trees.defaultLong(p, "timeoutSeconds", 1);
        Trees.defaultLong(p, "periodSeconds", 10);
        Trees.defaultLong(p, "successThreshold", 1);
        Trees.defaultLong(p, "failureThreshold", 3);
        if (p.get("httpGet") instanceof ObjectNode http) {
            Trees.defaultText(http, "path", "/");
            Trees.defaultText(http, "scheme", "HTTP");
        }
    }
}
