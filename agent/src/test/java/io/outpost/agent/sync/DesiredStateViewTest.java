package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;

class DesiredStateViewTest {

    static final ObjectRef POD = new ObjectRef(ObjectKind.POD, "ns", "web");
    static final ObjectRef CM = new ObjectRef(ObjectKind.CONFIG_MAP, "ns", "cfg");

    @TempDir
    Path dir;

    static byte[] pod(String image, boolean withConfigMap) {
        String volumes = withConfigMap ? ",\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"cfg\"}}]" : "";
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"u1\"},"
                + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]" + volumes + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] configMap() {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"namespace\":\"ns\"},\"data\":{\"k\":\"v\"}}"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aChangeDeliveredTwiceOrAnOlderOneChangesNothing() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            AtomicInteger notified = new AtomicInteger();
            view.addListener(notified::incrementAndGet);
            assertThat(view.apply(new Frame.Change(10, POD, pod("nginx:1", false)))).isTrue();
            assertThat(view.apply(new Frame.Change(10, POD, pod("nginx:1", false)))).isFalse();
            assertThat(view.apply(new Frame.Change(9, POD, pod("nginx:0", false)))).isFalse();
            assertThat(view.apply(new Frame.Change(11, POD, pod("nginx:2", false)))).isTrue();
            assertThat(view.pods()).singleElement().satisfies(p -> {
                assertThat(p.getSpec().getContainers().getFirst().getImage()).isEqualTo("nginx:2");
                assertThat(p.getMetadata().getResourceVersion()).isEqualTo("11");
            });
            assertThat(notified).hasValue(2);
            assertThat(view.apply(Frame.Change.delete(12, POD))).isTrue();
            assertThat(view.apply(Frame.Change.delete(12, POD))).isFalse();
            assertThat(view.pods()).isEmpty();
        }
    }

    @Test
    void aConfigMapNoPodReferencesAnyMoreIsDropped() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            view.apply(new Frame.Change(10, POD, pod("nginx:1", true)));
            view.apply(new Frame.Change(9, CM, configMap()));
            assertThat(view.configMap("ns", "cfg")).isPresent();
            view.apply(new Frame.Change(11, POD, pod("nginx:1", false)));
            assertThat(view.configMap("ns", "cfg")).isEmpty();
            assertThat(store.objects()).extracting(LocalStore.Stored::ref).containsExactly(POD);
        }
    }

    @Test
    void whatWasAppliedIsWhatAnAgentRestartedOfflineRuns() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            view.apply(new Frame.Change(10, POD, pod("nginx:1", true)));
            view.apply(new Frame.Change(9, CM, configMap()));
        }
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            assertThat(view.pods()).hasSize(1);
            assertThat(view.configMap("ns", "cfg")).isPresent();
            assertThat(view.inventory()).containsExactly(new Frame.Held(POD, 10), new Frame.Held(CM, 9));
        }
    }

    static io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection source(String audience, long seconds) {
        return new io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder().withAudience(audience)
                .withExpirationSeconds(seconds).withPath("token").build();
    }

    @Test
    void aServiceAccountTokenIsKeptPerSourceAcrossRestartsForItsPodOnlyAndDroppedWithIt() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            AtomicInteger notified = new AtomicInteger();
            view.addListener(notified::incrementAndGet);
            view.apply(new Frame.Change(10, POD, pod("nginx:1", false)));
            view.token(new Frame.ServiceAccountToken("ns", "web", "u1", "", 3607, "api-token", 2_000_000_000L));
            view.token(new Frame.ServiceAccountToken("ns", "web", "u1", "https://vault.example/x", 600, "vault-token-1", 2_000_000_000L));
            view.token(new Frame.ServiceAccountToken("ns", "web", "u1", "https://vault.example/x", 600, "vault-token-2", 2_000_000_100L));
            assertThat(notified).hasValue(4);
        }
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            var pod = view.pods().getFirst();
            assertThat(view.serviceAccountToken(pod, source(null, 3607))).contains("api-token");
            assertThat(view.serviceAccountToken(pod, source("https://vault.example/x", 600))).contains("vault-token-2");
            assertThat(view.serviceAccountToken(pod, source("other", 600))).isEmpty();
            // A pod of the same name with another uid is another pod: the token is not its.
            pod.getMetadata().setUid("u2");
            assertThat(view.serviceAccountToken(pod, source(null, 3607))).isEmpty();
            pod.getMetadata().setUid("u1");
            view.apply(Frame.Change.delete(11, POD));
            assertThat(view.serviceAccountToken(pod, source(null, 3607))).isEmpty();
            assertThat(store.tokens()).isEmpty();
        }
    }

    @Test
    void aTouchIsHeldAtOnceAndWrittenLaterLatestWinsAndAChangeSupersedesIt() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            view.apply(new Frame.Change(10, POD, pod("nginx:1", false)));
            view.touch(new Frame.Touch(12, POD));
            view.touch(new Frame.Touch(14, POD));
            assertThat(view.inventory()).containsExactly(new Frame.Held(POD, 14));
            assertThat(store.objects()).singleElement().satisfies(o -> assertThat(o.resourceVersion()).isEqualTo(10));
            view.saveTouches();
            assertThat(store.objects()).singleElement().satisfies(o -> assertThat(o.resourceVersion()).isEqualTo(14));
            assertThat(view.touchesUnsaved()).isFalse();

            view.touch(new Frame.Touch(15, POD));
            assertThat(view.apply(new Frame.Change(13, POD, pod("nginx:0", false)))).as("older than the touch").isFalse();
            assertThat(view.touchesUnsaved()).as("a change skipped keeps the touch to write").isTrue();
            assertThat(view.apply(new Frame.Change(16, POD, pod("nginx:2", false)))).isTrue();
            assertThat(view.touchesUnsaved()).as("the change wrote the object whole").isFalse();
            assertThat(store.objects()).singleElement().satisfies(o -> assertThat(o.resourceVersion()).isEqualTo(16));
        }
    }

    @Test
    void aBatchOfChangesIsAppliedInOrderWrittenTogetherAndTellsTheListenersOnce() throws Exception {
        ObjectRef other = new ObjectRef(ObjectKind.POD, "ns", "db");
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            AtomicInteger notified = new AtomicInteger();
            view.addListener(notified::incrementAndGet);
            int changed = view.applyAll(java.util.List.of(
                    new Frame.Change(10, POD, pod("nginx:1", true)),
                    new Frame.Change(11, CM, configMap()),
                    new Frame.Change(12, other, "{\"kind\":\"Pod\",\"metadata\":".getBytes(StandardCharsets.UTF_8)),
                    new Frame.Change(13, POD, pod("nginx:2", true)),
                    new Frame.Change(12, POD, pod("nginx:0", true))));
            assertThat(changed).as("the pod (its last version) and the ConfigMap; the undecodable one is skipped").isEqualTo(2);
            assertThat(notified).hasValue(1);
            assertThat(view.pods()).singleElement().satisfies(p -> assertThat(p.getSpec().getContainers().getFirst().getImage())
                    .isEqualTo("nginx:2"));
            assertThat(view.applyAll(java.util.List.of(new Frame.Change(13, POD, pod("nginx:2", true))))).isZero();
        }
        try (LocalStore store = LocalStore.open(dir)) {
            assertThat(new DesiredStateView(store).inventory()).containsExactly(new Frame.Held(POD, 13), new Frame.Held(CM, 11));
        }
    }

    @Test
    void aTokenMovesOnlyItsPodsInputsAndAConfigMapThoseOfThePodsThatReferenceIt() throws Exception {
        ObjectRef other = new ObjectRef(ObjectKind.POD, "ns", "other");
        byte[] otherPod = new String(pod("nginx:1", false), StandardCharsets.UTF_8)
                .replace("\"name\":\"web\"", "\"name\":\"other\"").replace("\"uid\":\"u1\"", "\"uid\":\"u2\"")
                .getBytes(StandardCharsets.UTF_8);
        try (LocalStore store = LocalStore.open(dir)) {
            DesiredStateView view = new DesiredStateView(store);
            view.applyAll(java.util.List.of(new Frame.Change(10, POD, pod("nginx:1", true)), new Frame.Change(11, other, otherPod)));
            long web = view.inputsGeneration("ns", "web");
            long others = view.inputsGeneration("ns", "other");

            view.token(new Frame.ServiceAccountToken("ns", "web", "u1", "", 3607, "api-token", 2_000_000_000L));
            assertThat(view.inputsGeneration("ns", "web")).as("its token arrived").isNotEqualTo(web);
            assertThat(view.inputsGeneration("ns", "other")).as("not its token").isEqualTo(others);

            web = view.inputsGeneration("ns", "web");
            view.apply(new Frame.Change(12, CM, configMap()));
            assertThat(view.inputsGeneration("ns", "web")).as("the ConfigMap it mounts arrived").isNotEqualTo(web);
            assertThat(view.inputsGeneration("ns", "other")).as("references no ConfigMap").isEqualTo(others);

            web = view.inputsGeneration("ns", "web");
            view.apply(new Frame.Change(13, POD, pod("nginx:2", true)));
            assertThat(view.inputsGeneration("ns", "web")).as("its own change is the pod's resourceVersion").isEqualTo(web);
        }
    }
}
