package io.outpost.apiserver.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.outpost.api.GroupVersion;
import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.api.Scope;
import io.outpost.apiserver.table.CustomColumnsConvertor;
import io.outpost.apiserver.validation.KindStrategy;

class ResourceCatalogTest {

    private static CustomKind kind(String crd, String group, String version, String plural, String kind, String... shortNames) {
        ResourceType type = new ResourceType(new GroupVersionKind(group, version, kind), plural, plural.substring(0, plural.length() - 1),
                Scope.NAMESPACED, List.of(shortNames), List.of(), List.of("get", "list"), List.of());
        return new CustomKind(type, crd, null, new KindStrategy() { }, new CustomColumnsConvertor(List.of()), null);
    }

    @Test
    void aPutResourceIsServedInANewSnapshotAndTheOldSnapshotStaysAsItWas() {
        ResourceCatalog catalog = new ResourceCatalog(ResourceTypes.builtIns());
        ResourceCatalog.Snapshot before = catalog.snapshot();
        catalog.put("widgets.example.com", List.of(kind("widgets.example.com", "example.com", "v1", "widgets", "Widget")));
        assertThat(catalog.types().lookup("example.com", "v1", "widgets")).isPresent();
        assertThat(catalog.snapshot().custom(new GroupVersionKind("example.com", "v1", "Widget"))).isPresent();
        assertThat(before.types().serves(new GroupVersion("example.com", "v1"))).isFalse();
        assertThat(catalog.serves("widgets.example.com")).isTrue();
    }

    @Test
    void aClashWithAServedResourceIsRefusedAndChangesNothing() {
        ResourceCatalog catalog = new ResourceCatalog(ResourceTypes.builtIns());
        catalog.put("widgets.example.com", List.of(kind("widgets.example.com", "example.com", "v1", "widgets", "Widget", "wd")));
        ResourceCatalog.Snapshot before = catalog.snapshot();
        assertThatThrownBy(() -> catalog.put("gadgets.example.com",
                List.of(kind("gadgets.example.com", "example.com", "v1", "gadgets", "Gadget", "wd"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("short name wd");
        assertThat(catalog.snapshot()).isSameAs(before);
    }

    @Test
    void removingACrdStopsServingItAndTellsTheListenersOnce() {
        ResourceCatalog catalog = new ResourceCatalog(ResourceTypes.builtIns());
        List<String> removed = new ArrayList<>();
        catalog.onRemoved(t -> removed.add(t.kind().apiVersion()));
        catalog.put("widgets.example.com", List.of(kind("widgets.example.com", "example.com", "v1", "widgets", "Widget")));
        catalog.remove("widgets.example.com");
        catalog.remove("widgets.example.com");
        assertThat(catalog.types().lookup("example.com", "v1", "widgets")).isEmpty();
        assertThat(removed).containsExactly("example.com/v1");
    }

    @Test
    void aSnapshotDerivedValueIsRebuiltOnlyAfterAChange() {
        ResourceCatalog catalog = new ResourceCatalog(ResourceTypes.builtIns());
        int[] builds = {0};
        PerSnapshot<Integer> count = new PerSnapshot<>(catalog, s -> ++builds[0]);
        assertThat(count.get()).isEqualTo(1);
        assertThat(count.get()).isEqualTo(1);
        catalog.put("widgets.example.com", List.of(kind("widgets.example.com", "example.com", "v1", "widgets", "Widget")));
        assertThat(count.get()).isEqualTo(2);
    }
}
