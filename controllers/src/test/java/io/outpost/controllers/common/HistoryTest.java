package io.outpost.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;

class HistoryTest {

    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "a").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void aRevisionIsTheTemplateAsAReplacingStrategicMergePatch() {
        Map<String, Object> patch = History.patchOf(template("x:1"));
        assertThat(patch).containsOnlyKeys("spec");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) patch.get("spec")).get("template");
        assertThat(t).containsEntry("$patch", "replace").containsKeys("metadata", "spec");
        ControllerRevision r = new ControllerRevisionBuilder().withData(patch).build();
        assertThat(History.templateOf(r).getSpec().getContainers().get(0).getImage()).isEqualTo("x:1");
    }

    @Test
    void dataAreEqualWhateverTheFieldOrderAndEmptyFields() {
        Object a = History.patchOf(template("x:1"));
        Map<String, Object> reordered = Map.of("spec", Map.of("template", Map.of("$patch", "replace",
                "spec", Map.of("containers", List.of(Map.of("image", "x:1", "name", "c", "env", List.of()))),
                "metadata", Map.of("labels", Map.of("app", "a")))));
        assertThat(History.equalData(a, reordered)).isTrue();
        assertThat(History.hash(a, null)).isEqualTo(History.hash(reordered, null));
        assertThat(History.equalData(a, History.patchOf(template("x:2")))).isFalse();
    }

    @Test
    void theHashIsStableDiffersByCollisionCountAndUsesKubesSafeAlphabet() {
        Object data = History.patchOf(template("x:1"));
        String h = History.hash(data, null);
        assertThat(h).isEqualTo(History.hash(History.patchOf(template("x:1")), null)).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(History.hash(data, 1)).isNotEqualTo(h).isNotEqualTo(History.hash(data, 2));
        assertThat(History.hash(History.patchOf(template("x:2")), null)).isNotEqualTo(h);
    }

    @Test
    void aLongPrefixIsCutSoTheNameFits() {
        assertThat(History.name("d".repeat(300), "abc")).hasSize(223 + 4).endsWith("-abc");
        assertThat(History.name("web", "abc")).isEqualTo("web-abc");
    }

    @Test
    void aNewRevisionCarriesTheTemplateLabelsTheHashLabelAndAControllerReference() {
        var ds = new DaemonSetBuilder().withNewMetadata().withName("d").withNamespace("ns").withUid("u")
                .addToAnnotations("note", "kept").addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
                .endMetadata().build();
        ControllerRevision r = History.newRevision(ds, template("x:1"), "d-abc", "abc", 3);
        assertThat(r.getMetadata().getLabels()).containsEntry("app", "a").containsEntry("controller-revision-hash", "abc");
        assertThat(r.getMetadata().getAnnotations()).containsOnlyKeys("note");
        assertThat(r.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("DaemonSet");
            assertThat(o.getController()).isTrue();
        });
        assertThat(r.getRevision()).isEqualTo(3L);
    }

    @Test
    void revisionsSortByNumber() {
        ControllerRevision r2 = new ControllerRevisionBuilder().withNewMetadata().withName("b").endMetadata().withRevision(2L).build();
        ControllerRevision r10 = new ControllerRevisionBuilder().withNewMetadata().withName("a").endMetadata().withRevision(10L).build();
        assertThat(History.sorted(List.of(r10, r2))).containsExactly(r2, r10);
        assertThat(History.max(List.of(r10, r2))).isEqualTo(10);
        assertThat(History.max(List.of())).isZero();
    }
}
