package io.outpost.tunnel;

import java.nio.charset.StandardCharsets;

/**
 * The preset DEFLATE dictionary of the tunnel (RFC 1951 back-references into it): fragments of
 * the JSON of the objects the tunnel carries. A pod of 1.5 KB is mostly field names and default
 * values; with them already "seen", its deflated form holds little more than its names, image
 * and uid. Changing this text changes the wire format: both ends must carry the same one (it
 * belongs to {@link Frame.Hello#VERSION}).
 *
 * <p>DEFLATE reaches back at most 32 KiB, and shorter distances cost fewer bits, so the most
 * frequent fragments come last.
 */
final class DeflateDictionary {

    private static final byte[] BYTES = ("""
            {"apiVersion":"v1","kind":"Node","metadata":{"labels":{"beta.kubernetes.io/arch":"amd64",\
            "beta.kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","kubernetes.io/hostname":"",\
            "kubernetes.io/os":"linux","node-role.kubernetes.io/edge":""}},"spec":{"podCIDR":"","taints":[]},\
            "status":{"capacity":{"cpu":"","memory":"","pods":"110","ephemeral-storage":""},"allocatable":{},\
            "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status",\
            "lastHeartbeatTime":"","lastTransitionTime":""},{"type":"MemoryPressure","status":"False","reason":"KubeletHasSufficientMemory"},\
            {"type":"DiskPressure","status":"False","reason":"KubeletHasNoDiskPressure"},{"type":"PIDPressure","status":"False",\
            "reason":"KubeletHasSufficientPID"}],"addresses":[{"type":"InternalIP","address":""},{"type":"Hostname","address":""}],\
            "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},"nodeInfo":{"machineID":"","systemUUID":"","bootID":"",\
            "kernelVersion":"","osImage":"","containerRuntimeVersion":"","kubeletVersion":"","kubeProxyVersion":"",\
            "operatingSystem":"linux","architecture":"amd64"}}}
            {"apiVersion":"v1","kind":"Secret","type":"Opaque","data":{}}{"apiVersion":"v1","kind":"ConfigMap","data":{}}
            "involvedObject":{"kind":"Pod","reportingController":"outpost-agent","reportingInstance":"","action":"",\
            "reason":"Pulled","Created","Started","Killing","BackOff","Unhealthy","type":"Normal","Warning","note":"",\
            "eventTime":"","regarding":{"kind":"Pod","namespace":"default","name":"","uid":"","apiVersion":"v1"}
            "volumes":[{"name":"","configMap":{"name":"","defaultMode":420}},{"name":"","secret":{"secretName":"",\
            "defaultMode":420}},{"name":"","projected":{"sources":[{"configMap":{"name":""}},{"secret":{"name":""}}],\
            "defaultMode":420}},{"name":"kube-api-access-","projected":{"sources":[{"serviceAccountToken":\
            {"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt",\
            "path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1",\
            "fieldPath":"metadata.namespace"}}]}}]}},{"name":"","emptyDir":{}},{"name":"","hostPath":{"path":"","type":""}}],\
            "env":[{"name":"","value":""},{"name":"","valueFrom":{"configMapKeyRef":{"name":"","key":""}}},\
            {"name":"","valueFrom":{"secretKeyRef":{"name":"","key":""}}}],"envFrom":[{"configMapRef":{"name":""}},\
            {"secretRef":{"name":""}}],"imagePullSecrets":[{"name":""}],"volumeMounts":[{"name":"","mountPath":"",\
            "readOnly":true}],"ports":[{"containerPort":80,"protocol":"TCP","name":"http"}],\
            "livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"initialDelaySeconds":0,\
            "timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},"readinessProbe":{},\
            "command":[],"args":[],"workingDir":"","securityContext":{"runAsUser":0,"runAsNonRoot":true,"privileged":false},
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"","uid":"","controller":true,\
            "blockOwnerDeletion":true}],"generateName":"","labels":{"app":"","pod-template-hash":""},"annotations":{},\
            "deletionTimestamp":"","deletionGracePeriodSeconds":30,"finalizers":[],
            "status":{"phase":"Running","conditions":[{"type":"PodReadyToStartContainers","status":"True",\
            "lastProbeTime":null,"lastTransitionTime":""},{"type":"Initialized","status":"True","lastProbeTime":null,\
            "lastTransitionTime":""},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":""},\
            {"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":""},\
            {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":""}],"hostIP":"",\
            "hostIPs":[{"ip":""}],"podIP":"","podIPs":[{"ip":""}],"startTime":"","containerStatuses":[{"name":"",\
            "state":{"running":{"startedAt":""}},"lastState":{},"ready":true,"restartCount":0,"image":"","imageID":"",\
            "containerID":"containerd://","started":true}],"qosClass":"BestEffort"}
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"","namespace":"default","uid":"",\
            "resourceVersion":"","creationTimestamp":"","labels":{}},"spec":{"containers":[{"name":"",\
            "image":"","resources":{"limits":{"cpu":"","memory":""},"requests":{"cpu":"","memory":""}},\
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",\
            "imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,\
            "dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"",\
            "securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready",\
            "operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable",\
            "operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,\
            "preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled",\
            "status":"True","lastProbeTime":null,"lastTransitionTime":""}],"qosClass":"BestEffort"}}
            """).getBytes(StandardCharsets.UTF_8);

    private DeflateDictionary() {
    }

    static byte[] bytes() {
        return BYTES;
    }
}
