package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.node.ObjectNode;

/**
 * The examples of kube's own documentation ("Extend the Kubernetes API with
 * CustomResourceDefinitions", kubernetes.io tasks), answered as the page says kube answers them.
 */
class KubeDocumentedCasesTest {

    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    /** The CronTab schema of the validation section. */
    private static final String CRONTAB = """
            type: object
            properties:
              spec:
                type: object
                properties:
                  cronSpec:
                    type: string
                    pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                  image:
                    type: string
                  replicas:
                    type: integer
                    minimum: 1
                    maximum: 10
            """;

    @Test
    void theValidationSectionsCronTabIsRefusedWithBothFailures() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree(CRONTAB));
        ObjectNode cronTab = Yaml.object("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: my-new-cron-object}
                spec: {cronSpec: "* * * *", image: my-awesome-cron-image, replicas: 15}
                """);
        assertThat(schema.validate(cronTab)).extracting(FieldError::message).containsExactly(
                "spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
                "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10");
    }

    @Test
    void theValidationSectionsValidCronTabIsAccepted() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree(CRONTAB));
        ObjectNode cronTab = Yaml.object("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: my-new-cron-object}
                spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image, replicas: 5}
                """);
        assertThat(schema.validate(cronTab)).isEmpty();
    }

    @Test
    void thePruningSectionsRandomFieldIsPrunedAndReported() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree(CRONTAB));
        ObjectNode cronTab = Yaml.object("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: my-new-cron-object}
                someRandomField: 42
                spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image}
                """);
        assertThat(schema.prepareRequest(cronTab)).extracting(CustomSchema::unknownField)
                .containsExactly("unknown field \"someRandomField\"");
        assertThat(cronTab.has("someRandomField")).isFalse();
    }

    /** The page's non-structural example and its six listed violations. */
    @Test
    void theStructuralSchemaSectionsCounterExampleFailsForTheListedReasons() {
        String schema = """
                properties:
                  foo:
                    pattern: "abc"
                  metadata:
                    type: object
                    properties:
                      name:
                        type: string
                        pattern: "^a"
                      finalizers:
                        type: array
                        items:
                          type: string
                          pattern: "my-finalizer"
                anyOf:
                - properties:
                    bar:
                      type: integer
                      minimum: 42
                  required: ["bar"]
                  description: "foo bar object"
                """;
        assertThat(CustomSchema.check(Yaml.tree(schema), P)).extracting(FieldError::message).containsExactlyInAnyOrder(
                // the type at the root is missing
                P + ".type: Required value: must not be empty at the root",
                // the type of foo is missing
                P + ".properties[foo].type: Required value: must not be empty for specified object fields",
                // bar inside anyOf is not specified outside
                P + ".properties[bar]: Required value: because it is defined in " + P + ".anyOf[0].properties[bar]",
                // bar's type is within anyOf
                P + ".anyOf[0].properties[bar].type: Forbidden: must be empty to be structural",
                // the description is set within anyOf
                P + ".anyOf[0].description: Forbidden: must be empty to be structural",
                // metadata.finalizers might not be restricted
                P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified");
    }

    @Test
    void theValidationRulesSectionsReplicaRulesRefuseTwentyReplicas() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: "self.minReplicas <= self.replicas"
                        message: "replicas should be greater than or equal to minReplicas."
                      - rule: "self.replicas <= self.maxReplicas"
                        message: "replicas should be smaller than or equal to maxReplicas."
                    properties:
                      minReplicas: {type: integer}
                      replicas: {type: integer}
                      maxReplicas: {type: integer}
                    required: [minReplicas, replicas, maxReplicas]
                """));
        ObjectNode cronTab = Yaml.object("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata: {name: my-new-cron-object}
                spec: {minReplicas: 0, replicas: 20, maxReplicas: 10}
                """);
        // The page prints the value as a Go map (kube before 1.28); kube now prints the schema type.
        assertThat(schema.validate(cronTab)).extracting(FieldError::message).containsExactly(
                "spec: Invalid value: \"object\": replicas should be smaller than or equal to maxReplicas.");
    }

    @Test
    void theTransitionRuleExampleKeepsAValueImmutable() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      name:
                        type: string
                        x-kubernetes-validations:
                          - rule: "self == oldSelf"
                            message: "Value is immutable"
                """));
        ObjectNode old = Yaml.object("{spec: {name: a}}");
        assertThat(schema.validate(Yaml.object("{spec: {name: b}}"))).isEmpty();
        assertThat(schema.validateUpdate(Yaml.object("{spec: {name: b}}"), old)).extracting(FieldError::message)
                .containsExactly("spec.name: Invalid value: \"string\": Value is immutable");
    }

    /** kube's root field path prints as {@code <nil>}, as kubectl shows for a failed rule at the root. */
    @Test
    void rulesAtTheRootSeeApiVersionKindAndMetadata() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                x-kubernetes-validations:
                  - rule: "self.metadata.name.startsWith('w') && self.kind == 'Widget'"
                    message: "widgets only"
                properties:
                  spec: {type: object}
                """));
        assertThat(schema.validate(Yaml.object("{apiVersion: x/v1, kind: Widget, metadata: {name: w1}, spec: {}}"))).isEmpty();
        assertThat(schema.validate(Yaml.object("{apiVersion: x/v1, kind: Widget, metadata: {name: v1}, spec: {}}")))
                .extracting(FieldError::message).containsExactly("<nil>: Invalid value: \"object\": widgets only");
    }
}
