package io.outpost.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.outpost.api.Scope;
import io.outpost.apiserver.catalog.CustomKind;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class CustomKindsTest {

    @Test
    void versionsAreOrderedAsKubeOrdersThemGaThenBetaThenAlpha() {
        List<String> versions = new ArrayList<>(List.of("v1alpha1", "v2beta1", "v1", "foo", "v2", "v1beta2", "v1beta1", "v10"));
        versions.sort(CustomKinds::compareVersions);
        assertThat(versions).containsExactly("v10", "v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo");
    }

    @Test
    void onlyServedVersionsAreServedWithTheirSubresourcesAndNames() {
        ObjectNode crd = (ObjectNode) YAMLMapper.builder().build().readTree("""
                metadata: {name: sites.example.com}
                spec:
                  group: example.com
                  scope: Cluster
                  names: {plural: sites, singular: site, kind: Site, shortNames: [st], categories: [all]}
                  versions:
                  - {name: v1alpha1, served: false, storage: false}
                  - {name: v1beta1, served: true, storage: false, subresources: {status: {}}}
                  - name: v1
                    served: true
                    storage: true
                    subresources:
                      status: {}
                      scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.size, labelSelectorPath: .status.selector}
                """);
        List<CustomKind> kinds = CustomKinds.of(crd, new BasicSchemas());
        assertThat(kinds).extracting(k -> k.type().kind().version()).containsExactly("v1", "v1beta1");
        CustomKind v1 = kinds.getFirst();
        assertThat(v1.type().scope()).isEqualTo(Scope.CLUSTER);
        assertThat(v1.type().shortNames()).containsExactly("st");
        assertThat(v1.type().categories()).containsExactly("all");
        assertThat(v1.type().subresources()).extracting(s -> s.name()).containsExactly("status", "scale");
        assertThat(v1.scale().specReplicasPath()).isEqualTo(".spec.size");
        assertThat(v1.scale().labelSelectorPath()).isEqualTo(".status.selector");
        assertThat(kinds.get(1).scale()).isNull();
        assertThat(v1.crdName()).isEqualTo("sites.example.com");
    }
}
