package io.outpost.apiserver.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** kube's ServiceAccount admission on pod creation. */
class ServiceAccountAdmissionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceTypes TYPES = ResourceTypes.builtIns();
    private static final ResourceType PODS = TYPES.lookup("", "v1", "pods").orElseThrow();
    private static final ResourceType SERVICE_ACCOUNTS = TYPES.lookup("", "v1", "serviceaccounts").orElseThrow();
    private static final UserInfo ADMIN = new UserInfo("admin", List.of("system:masters"));

    private final ServiceAccountAuthenticatorTest.Objects objects = new ServiceAccountAuthenticatorTest.Objects()
            .put("serviceaccounts", "apps", "default", "d-uid", sa -> { })
            .put("serviceaccounts", "apps", "quiet", "q-uid", sa -> sa.put("automountServiceAccountToken", false))
            .put("serviceaccounts", "apps", "puller", "p-uid", sa -> sa.putArray("imagePullSecrets").addObject().put("name", "registry"));
    private final ServiceAccountAdmission admission = new ServiceAccountAdmission(objects, SERVICE_ACCOUNTS, new Random(7), Duration.ZERO);

    static ObjectNode pod(String spec) {
        ObjectNode pod = JSON.createObjectNode();
        pod.putObject("metadata").put("name", "web").put("namespace", "apps");
        pod.set("spec", JSON.readTree(spec));
        return pod;
    }

    ObjectNode admit(Operation op, ObjectNode pod) {
        admission.admit(new AdmissionAttributes(op, PODS, "", "apps", "web", pod, null, ADMIN, false, null), new ArrayList<>());
        return pod;
    }

    static List<String> mounts(JsonNode container) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : container.path("volumeMounts")) {
            out.add(m.path("name").asString() + "@" + m.path("mountPath").asString() + (m.path("readOnly").asBoolean(false) ? ":ro" : ""));
        }
        return out;
    }

    record Case(String sentence, String spec, Consumer<ObjectNode> expect) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod without a service account runs as default with its token mounted in every container",
                        "{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"ephemeralContainers\":[{\"name\":\"e\"}]}",
                        pod -> {
                            JsonNode spec = pod.path("spec");
                            assertThat(spec.path("serviceAccountName").asString()).isEqualTo("default");
                            assertThat(spec.path("serviceAccount").asString()).isEqualTo("default");
                            JsonNode volume = spec.path("volumes").get(0);
                            String name = volume.path("name").asString();
                            assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
                            assertThat(volume.path("projected").toString()).isEqualTo("{\"defaultMode\":420,\"sources\":["
                                    + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
                                    + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},"
                                    + "{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}]}");
                            String mount = name + "@/var/run/secrets/kubernetes.io/serviceaccount:ro";
                            assertThat(mounts(spec.path("initContainers").get(0))).containsExactly(mount);
                            assertThat(mounts(spec.path("containers").get(0))).containsExactly(mount);
                            assertThat(mounts(spec.path("containers").get(1))).containsExactly(mount);
                            assertThat(mounts(spec.path("ephemeralContainers").get(0))).isEmpty();
                        }),
                new Case("A pod that opts out gets no token", "{\"automountServiceAccountToken\":false,\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").has("volumes")).isFalse()),
                new Case("A pod of a service account that opts out gets no token",
                        "{\"serviceAccountName\":\"quiet\",\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").has("volumes")).isFalse()),
                new Case("A pod that opts in overrides its service account",
                        "{\"serviceAccountName\":\"quiet\",\"automountServiceAccountToken\":true,\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").path("volumes").size()).isEqualTo(1)),
                new Case("A container that mounts the path itself keeps its own mount",
                        "{\"containers\":[{\"name\":\"a\",\"volumeMounts\":[{\"name\":\"mine\",\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}]},{\"name\":\"b\"}],"
                                + "\"volumes\":[{\"name\":\"mine\",\"emptyDir\":{}}]}",
                        pod -> {
                            assertThat(mounts(pod.path("spec").path("containers").get(0))).containsExactly("mine@/var/run/secrets/kubernetes.io/serviceaccount");
                            assertThat(mounts(pod.path("spec").path("containers").get(1)).getFirst()).startsWith("kube-api-access-");
                        }),
                new Case("No container needing it adds no volume",
                        "{\"containers\":[{\"name\":\"a\",\"volumeMounts\":[{\"name\":\"mine\",\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}]}],"
                                + "\"volumes\":[{\"name\":\"mine\",\"emptyDir\":{}}]}",
                        pod -> assertThat(pod.path("spec").path("volumes").size()).isEqualTo(1)),
                new Case("An existing kube-api-access volume is reused",
                        "{\"containers\":[{\"name\":\"a\"}],\"volumes\":[{\"name\":\"kube-api-access-mine\",\"emptyDir\":{}}]}",
                        pod -> {
                            assertThat(pod.path("spec").path("volumes").size()).isEqualTo(1);
                            assertThat(mounts(pod.path("spec").path("containers").get(0)))
                                    .containsExactly("kube-api-access-mine@/var/run/secrets/kubernetes.io/serviceaccount:ro");
                        }),
                new Case("The deprecated serviceAccount field names the account", "{\"serviceAccount\":\"quiet\",\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").path("serviceAccountName").asString()).isEqualTo("quiet")),
                new Case("A pod without pull secrets gets its service account's",
                        "{\"serviceAccountName\":\"puller\",\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"registry\"}]")),
                new Case("A pod with pull secrets keeps its own",
                        "{\"serviceAccountName\":\"puller\",\"imagePullSecrets\":[{\"name\":\"mine\"}],\"containers\":[{\"name\":\"a\"}]}",
                        pod -> assertThat(pod.path("spec").path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"mine\"}]")),
                new Case("A mirror pod is left alone",
                        "{\"containers\":[{\"name\":\"a\"}]}",
                        pod -> { }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void admits(Case c) {
        ObjectNode pod = pod(c.spec());
        if (c.sentence().startsWith("A mirror pod")) {
            ((ObjectNode) pod.get("metadata")).putObject("annotations").put("kubernetes.io/config.mirror", "x");
            admit(Operation.CREATE, pod);
            assertThat(pod.path("spec").has("serviceAccountName")).isFalse();
            return;
        }
        c.expect().accept(admit(Operation.CREATE, pod));
    }

    @Test
    void admittingTwiceAddsTheVolumeOnce() {
        ObjectNode pod = admit(Operation.CREATE, pod("{\"containers\":[{\"name\":\"a\"}]}"));
        String once = pod.toString();
        assertThat(admit(Operation.CREATE, pod).toString()).isEqualTo(once);
    }

    @Test
    void aPodOfAServiceAccountThatDoesNotExistIsForbidden() {
        assertThatThrownBy(() -> admit(Operation.CREATE, pod("{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"a\"}]}")))
                .isInstanceOfSatisfying(AdmissionDenied.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo(
                            "pods \"web\" is forbidden: error looking up service account apps/ghost: serviceaccount \"ghost\" not found");
                });
    }

    @Test
    void anUpdateIsLeftAlone() {
        ObjectNode pod = admit(Operation.UPDATE, pod("{\"containers\":[{\"name\":\"a\"}]}"));
        assertThat(pod.path("spec").has("serviceAccountName")).isFalse();
    }
}
