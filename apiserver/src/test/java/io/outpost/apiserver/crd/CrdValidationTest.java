package io.outpost.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class CrdValidationTest {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final CrdValidation STRATEGY = new CrdValidation(new StructuralSchemas());

    static ObjectNode good() {
        return (ObjectNode) YAML.readTree("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {plural: widgets, kind: Widget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    additionalPrinterColumns:
                    - {name: Color, type: string, jsonPath: .spec.color}
                    subresources:
                      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec: {type: object, properties: {color: {type: string}, replicas: {type: integer}}}
                """);
    }

    record Case(String name, Consumer<ObjectNode> breakIt, String field, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> badCrds() {
        return List.of(
                new Case("a name other than plural.group is refused", c -> c.withObjectProperty("metadata").put("name", "gadgets.example.com"),
                        "metadata.name", "must be spec.names.plural+\".\"+spec.group"),
                new Case("a group without a dot is refused", c -> {
                    c.withObjectProperty("spec").put("group", "example");
                    c.withObjectProperty("metadata").put("name", "widgets.example");
                }, "spec.group", "should be a domain with at least one dot"),
                new Case("an unknown scope is refused", c -> c.withObjectProperty("spec").put("scope", "Galaxy"), "spec.scope", "supported values"),
                new Case("a plural that is not a DNS label is refused", c -> c.withObjectProperty("spec").withObjectProperty("names").put("plural", "Widgets"),
                        "spec.names.plural", "DNS-1035 label"),
                new Case("a kind is required", c -> c.withObjectProperty("spec").withObjectProperty("names").remove("kind"), "spec.names.kind", "Required value"),
                new Case("no storage version is refused", c -> version(c).put("storage", false), "spec.versions",
                        "must have exactly one version marked as storage version"),
                new Case("no served version is refused", c -> version(c).put("served", false), "spec.versions",
                        "must have at least one version marked as served"),
                new Case("a version's schema is required", c -> version(c).remove("schema"),
                        "spec.versions[0].schema.openAPIV3Schema", "schemas are required"),
                new Case("the schema goes through the seam with its path", c -> version(c).withObjectProperty("schema").withObjectProperty("openAPIV3Schema")
                        .put("type", "string"), "spec.versions[0].schema.openAPIV3Schema.type", ""),
                new Case("a printer column of an unknown type is refused", c -> ((ObjectNode) version(c).get("additionalPrinterColumns").get(0))
                        .put("type", "color"), "spec.versions[0].additionalPrinterColumns[0].type", "supported values"),
                new Case("a printer column with a filter path is refused", c -> ((ObjectNode) version(c).get("additionalPrinterColumns").get(0))
                        .put("jsonPath", ".spec[?(@.x)]"), "spec.versions[0].additionalPrinterColumns[0].jsonPath", "simple json path"),
                new Case("a scale path outside .spec is refused", c -> version(c).withObjectProperty("subresources").withObjectProperty("scale")
                        .put("specReplicasPath", ".status.replicas"), "spec.versions[0].subresources.scale.specReplicasPath",
                        "should be a json path under .spec"),
                new Case("a conversion webhook is refused (only None is served)", c -> c.withObjectProperty("spec").withObjectProperty("conversion")
                        .put("strategy", "Webhook"), "spec.conversion.strategy", "supported values: \"None\""));
    }

    private static ObjectNode version(ObjectNode crd) {
        return (ObjectNode) ((ArrayNode) crd.get("spec").get("versions")).get(0);
    }

    @Test
    void aGoodCrdIsDefaultedAndAccepted() {
        ObjectNode crd = good();
        STRATEGY.applyDefaults(crd);
        assertThat(STRATEGY.validate(crd)).isEmpty();
        assertThat(crd.at("/spec/names/singular").asString()).isEqualTo("widget");
        assertThat(crd.at("/spec/names/listKind").asString()).isEqualTo("WidgetList");
        assertThat(crd.at("/spec/conversion/strategy").asString()).isEqualTo("None");
    }

    @Test
    void aNewCrdHasItsStorageVersionStoredAndNoFinalizerYet() {
        ObjectNode crd = good();
        STRATEGY.prepareForCreate(crd);
        assertThat(crd.at("/metadata/finalizers").isMissingNode()).as("added when a delete begins, as in kube").isTrue();
        assertThat(crd.at("/status/storedVersions").toString()).isEqualTo("[\"v1\"]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCrds")
    void aBadCrdIsRefusedWithItsFieldPath(Case c) {
        ObjectNode crd = good();
        c.breakIt().accept(crd);
        STRATEGY.applyDefaults(crd);
        List<FieldError> errors = STRATEGY.validate(crd);
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.field()).isEqualTo(c.field());
            assertThat(e.body()).contains(c.detail());
        });
    }

    @Test
    void theScopeAndThePluralCannotChange() {
        ObjectNode old = good();
        ObjectNode changed = good();
        changed.withObjectProperty("spec").put("scope", "Cluster");
        STRATEGY.applyDefaults(old);
        STRATEGY.applyDefaults(changed);
        assertThat(STRATEGY.validateUpdate(changed, old)).extracting(FieldError::field).containsExactly("spec.scope");
    }
}
