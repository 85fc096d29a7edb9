package io.outpost.apiserver.table;

/**
 * Column descriptions as kube-apiserver sends them. Most are the API field documentation
 * (kubernetes' generated {@code SwaggerDoc()}) of the field a column shows; the rest are the
 * literal texts of kubernetes' printers. kubectl never prints descriptions; they matter only to
 * clients that show column help.
 */
final class Descriptions {

    private Descriptions() {
    }

    static final String NAME = "Name must be unique within a namespace. Is required when creating resources, although "
            + "some resources may allow a client to request the generation of an appropriate name automatically. Name is "
            + "primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: "
            + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    static final String CREATION_TIMESTAMP = "CreationTimestamp is a timestamp representing the server time when this "
            + "object was created. It is not guaranteed to be set in happens-before order across separate operations. "
            + "Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
            + "system. Read-only. Null for lists. More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    // Printer texts (literal in kubernetes' printers).
    static final String CONTAINERS = "Names of each container in the template.";
    static final String IMAGES = "Images referenced by each container in the template.";
    static final String READY_PODS = "Number of the pod with ready state";

    // Field documentation.
    static final String POD_IP = "podIP address allocated to the pod. Routable at least within the cluster. Empty if "
            + "not yet allocated.";
    static final String NODE_NAME = "NodeName indicates in which node this pod is scheduled. If empty, this pod is a "
            + "candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet "
            + "for this node becomes responsible for the lifecycle of this pod.";
    static final String NOMINATED_NODE_NAME = "nominatedNodeName is set only when this pod preempts other pods on the "
            + "node, but it cannot be scheduled right away as preemption victims receive their graceful termination "
            + "periods. This field does not guarantee that the pod will be scheduled on this node.";
    static final String READINESS_GATES = "If specified, all readiness gates will be evaluated for pod readiness. A pod "
            + "is ready when all its containers are ready AND all conditions specified in the readiness gates have "
            + "status equal to \"True\"";
    static final String KUBELET_VERSION = "Kubelet Version reported by the node.";
    static final String NODE_ADDRESSES = "List of addresses reachable to the node. Queried from cloud provider, if "
            + "available.";
    static final String OS_IMAGE = "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 "
            + "(wheezy)).";
    static final String KERNEL_VERSION = "Kernel Version reported by the node from 'uname -r' (e.g. "
            + "3.16.0-0.bpo.4-amd64).";
    static final String CONTAINER_RUNTIME_VERSION = "ContainerRuntime Version reported by the node through runtime "
            + "remote API (e.g. containerd://1.4.2).";
    static final String SERVICE_TYPE = "type determines how the Service is exposed. Defaults to ClusterIP. Valid "
            + "options are ExternalName, ClusterIP, NodePort, and LoadBalancer.";
    static final String CLUSTER_IP = "clusterIP is the IP address of the service and is usually assigned randomly.";
    static final String EXTERNAL_IPS = "externalIPs is a list of IP addresses for which nodes in the cluster will also "
            + "accept traffic for this service.";
    static final String SERVICE_PORTS = "The list of ports that are exposed by this service.";
    static final String SERVICE_SELECTOR = "Route service traffic to pods with label keys and values matching this "
            + "selector.";
    static final String SELECTOR = "Label selector for pods. Existing ReplicaSets whose pods are selected by this will "
            + "be the ones affected by this deployment.";
    static final String UPDATED_REPLICAS = "Total number of non-terminated pods targeted by this deployment that have "
            + "the desired template spec.";
    static final String AVAILABLE_REPLICAS = "Total number of available pods (ready for at least minReadySeconds) "
            + "targeted by this deployment.";
    static final String REPLICAS_SPEC = "Replicas is the number of desired replicas.";
    static final String REPLICAS_STATUS = "Replicas is the most recently observed number of replicas.";
    static final String READY_REPLICAS = "The number of ready replicas for this replica set.";
    static final String EVENT_LAST_TIMESTAMP = "The time at which the most recent occurrence of this event was "
            + "recorded.";
    static final String EVENT_FIRST_TIMESTAMP = "The time at which the event was first recorded. (Time of server "
            + "receipt is in TypeMeta.)";
    static final String EVENT_TYPE = "Type of this event (Normal, Warning), new types could be added in the future";
    static final String EVENT_REASON = "This should be a short, machine understandable string that gives the reason "
            + "for the transition into the object's current status.";
    static final String EVENT_OBJECT = "The object that this event is about.";
    static final String EVENT_FIELD_PATH = "If referring to a piece of an object instead of an entire object, this "
            + "string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].";
    static final String EVENT_SOURCE = "The component reporting this event. Should be a short machine understandable "
            + "string.";
    static final String EVENT_MESSAGE = "A human-readable description of the status of this operation.";
    static final String EVENT_COUNT = "The number of times this event has occurred.";
    static final String JOB_SUCCEEDED = "The number of pods which reached phase Succeeded.";
    static final String JOB_SELECTOR = "A label query over pods that should match the pod count.";
}
