package io.outpost.apiserver.serviceaccount;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.MutatingPlugin;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.Operation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's ServiceAccount admission plugin ({@code plugin/pkg/admission/serviceaccount/admission.go})
 * on pod creation: defaults {@code spec.serviceAccountName} to {@code default}; refuses the pod
 * (403, {@code error looking up service account NS/NAME: serviceaccount "NAME" not found}) when the
 * service account does not exist, waiting up to about a second and a half for {@code default},
 * which the service-account controller makes just after the namespace (kube retries ten times);
 * copies the service account's {@code imagePullSecrets} to a pod that names none; and, unless
 * {@code automountServiceAccountToken: false} on the pod or (when the pod says nothing) the
 * service account, adds the {@code kube-api-access-XXXXX} projected volume (a bound token for
 * {@value BoundTokens#WARN_ONLY_SECONDS} s at {@code token}, {@code ca.crt} from the
 * {@code kube-root-ca.crt} ConfigMap, the namespace from the downward API) mounted read-only at
 * {@value #MOUNT_PATH} in every init and regular container that does not already mount that path.
 * Mirror pods (kubelet's static pods) are left alone. Running it twice on a retried write adds
 * nothing twice: an existing {@code kube-api-access-} volume is reused.
 *
 * <p>Thread model: stateless apart from the random generator (thread-safe); any request thread.
 * The retry for {@code default} blocks the request's virtual thread.
 */
public final class ServiceAccountAdmission implements MutatingPlugin {

    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    public static final String VOLUME_PREFIX = "kube-api-access-";
    public static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    static final String MIRROR_POD = "kubernetes.io/config.mirror";
    /** kube's {@code utilrand} alphabet: no vowels, no look-alikes. */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int DEFAULT_ATTEMPTS = 10;

    private final ObjectSource objects;
    private final ResourceType serviceAccounts;
    private final RandomGenerator random;
    private final Duration retryInterval;

    /**
     * @param retryInterval how long to wait between looks for a missing {@code default} service
     *                      account (kube: 100 to 200 ms)
     */
    public ServiceAccountAdmission(ObjectSource objects, ResourceType serviceAccounts, RandomGenerator random, Duration retryInterval) {
        this.objects = objects;
        this.serviceAccounts = serviceAccounts;
        this.random = random;
        this.retryInterval = retryInterval;
    }

    @Override
    public String name() {
        return "ServiceAccount";
    }

    @Override
    public void admit(AdmissionAttributes a, List<String> warnings) {
        if (a.operation() != Operation.CREATE || !a.group().isEmpty() || !a.resource().equals("pods") || !a.subresource().isEmpty()
                || a.object() == null) {
            return;
        }
        ObjectNode pod = a.object();
        if (pod.path("metadata").path("annotations").has(MIRROR_POD)) {
            return;
        }
        ObjectNode spec = pod.get("spec") instanceof ObjectNode s ? s : pod.putObject("spec");
        String name = spec.path("serviceAccountName").asString("");
        if (name.isEmpty()) {
            // The deprecated spec.serviceAccount names it for old clients (kube's v1 conversion).
            name = spec.path("serviceAccount").asString("");
        }
        if (name.isEmpty()) {
            name = ServiceAccounts.DEFAULT;
        }
        spec.put("serviceAccountName", name);
        spec.put("serviceAccount", name);
        ObjectNode sa = serviceAccount(a.namespace(), name).orElseThrow(() -> AdmissionDenied.forbidden(a, "",
                "error looking up service account " + a.namespace() + "/" + spec.path("serviceAccountName").asString()
                        + ": serviceaccount \"" + spec.path("serviceAccountName").asString() + "\" not found"));
        if (automount(spec, sa)) {
            mount(spec);
        }
        if (spec.path("imagePullSecrets").isEmpty() && !sa.path("imagePullSecrets").isEmpty()) {
            ArrayNode secrets = spec.putArray("imagePullSecrets");
            for (JsonNode s : sa.path("imagePullSecrets")) {
                secrets.addObject().put("name", s.path("name").asString(""));
            }
        }
    }

    private Optional<ObjectNode> serviceAccount(String namespace, String name) {
        int attempts = name.equals(ServiceAccounts.DEFAULT) ? DEFAULT_ATTEMPTS : 1;
        for (int i = 0; i < attempts; i++) {
            if (i > 0 && !retryInterval.isZero()) {
                try {
                    Thread.sleep(retryInterval.plusMillis(random.nextLong(retryInterval.toMillis() + 1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            Optional<ObjectNode> sa = i == 0 ? objects.get(serviceAccounts, namespace, name) : Optional.empty();
            if (sa.isEmpty()) {
                sa = objects.getFresh(serviceAccounts, namespace, name);
            }
            if (sa.isPresent()) {
                return sa;
            }
        }
        return Optional.empty();
    }

    /** The pod's {@code automountServiceAccountToken} if set, else the service account's, else true. */
    private static boolean automount(JsonNode spec, JsonNode sa) {
        JsonNode pod = spec.path("automountServiceAccountToken");
        if (pod.isBoolean()) {
            return pod.asBoolean();
        }
        JsonNode account = sa.path("automountServiceAccountToken");
        return !account.isBoolean() || account.asBoolean();
    }

    private void mount(ObjectNode spec) {
        String volumeName = null;
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("name").asString("").startsWith(VOLUME_PREFIX)) {
                volumeName = v.path("name").asString();
                break;
            }
        }
        boolean hasVolume = volumeName != null;
        if (!hasVolume) {
            StringBuilder suffix = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            volumeName = VOLUME_PREFIX + suffix;
        }
        boolean needed = false;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (!(c instanceof ObjectNode container)) {
                    continue;
                }
                boolean mounted = false;
                for (JsonNode m : container.path("volumeMounts")) {
                    if (m.path("mountPath").asString("").equals(MOUNT_PATH)) {
                        mounted = true;
                        break;
                    }
                }
                if (!mounted) {
                    ArrayNode mounts = container.get("volumeMounts") instanceof ArrayNode m ? m : container.putArray("volumeMounts");
                    mounts.addObject().put("name", volumeName).put("readOnly", true).put("mountPath", MOUNT_PATH);
                    needed = true;
                }
            }
        }
        if (!hasVolume && needed) {
            ArrayNode volumes = spec.get("volumes") instanceof ArrayNode v ? v : spec.putArray("volumes");
            volumes.add(volume(volumes.objectNode(), volumeName));
        }
    }

    /** kube's {@code TokenVolumeSource}, with the default mode kube sets explicitly (0644). */
    private static ObjectNode volume(ObjectNode volume, String name) {
        volume.put("name", name);
        ObjectNode projected = volume.putObject("projected");
        projected.put("defaultMode", 420);
        ArrayNode sources = projected.putArray("sources");
        sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", BoundTokens.WARN_ONLY_SECONDS).put("path", "token");
        ObjectNode configMap = sources.addObject().putObject("configMap");
        configMap.put("name", ROOT_CA_CONFIG_MAP);
        configMap.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
        ObjectNode item = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        item.put("path", "namespace");
        item.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
        return volume;
    }
}
