package io.outpost.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;

class TemplatesTest {

    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").addToLabels("tier", "edge").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void theHashIsStableAndUsesOnlyTheSafeAlphabet() {
        String hash = Templates.hash(template("nginx:1.27"), null);
        assertThat(hash).isEqualTo(Templates.hash(template("nginx:1.27"), null)).matches("[bcdfghjklmnpqrstvwxz2456789]+");
    }

    @Test
    void theHashDoesNotDependOnLabelOrder() {
        PodTemplateSpec reordered = new PodTemplateSpecBuilder(template("nginx:1.27")).editMetadata().withLabels(null)
                .addToLabels("tier", "edge").addToLabels("app", "web").endMetadata().build();
        assertThat(Templates.hash(reordered, null)).isEqualTo(Templates.hash(template("nginx:1.27"), null));
    }

    @Test
    void anotherTemplateOrACollisionCountChangesTheHash() {
        String base = Templates.hash(template("nginx:1.27"), null);
        assertThat(Templates.hash(template("nginx:1.28"), null)).isNotEqualTo(base);
        assertThat(Templates.hash(template("nginx:1.27"), 1)).isNotEqualTo(base);
    }

    @Test
    void templatesAreEqualIgnoringTheirHashLabel() {
        PodTemplateSpec hashed = Templates.withHash(template("nginx:1.27"), "abc");
        assertThat(hashed.getMetadata().getLabels()).containsEntry("pod-template-hash", "abc");
        assertThat(Templates.equalIgnoreHash(hashed, template("nginx:1.27"))).isTrue();
        assertThat(Templates.equalIgnoreHash(hashed, template("nginx:1.28"))).isFalse();
    }
}
