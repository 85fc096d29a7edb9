package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.validation.FieldError;

/** Custom objects validated against their schema, worded as kube-apiserver words the errors. */
class ValueValidatorTest {

    private static final CustomSchema SCHEMA = CustomSchema.compile(Yaml.tree("""
            type: object
            properties:
              metadata:
                type: object
                properties:
                  name: {type: string, maxLength: 8}
              spec:
                type: object
                required: [replicas]
                properties:
                  replicas: {type: integer, minimum: 1, maximum: 10}
                  ratio: {type: number, exclusiveMinimum: true, minimum: 0, exclusiveMaximum: true, maximum: 1}
                  step: {type: integer, multipleOf: 5}
                  color: {type: string, enum: [red, blue]}
                  name: {type: string, minLength: 2, maxLength: 5, pattern: "^[a-z]+$"}
                  email: {type: string, format: email}
                  id: {type: string, format: uuid}
                  when: {type: string, format: date-time}
                  port: {x-kubernetes-int-or-string: true}
                  note: {type: string, nullable: true}
                  flag: {type: boolean}
                  tags: {type: array, maxItems: 3, minItems: 1, items: {type: string}, x-kubernetes-list-type: set}
                  ports:
                    type: array
                    x-kubernetes-list-type: map
                    x-kubernetes-list-map-keys: [port]
                    items:
                      type: object
                      required: [port]
                      properties:
                        port: {type: integer}
                        name: {type: string}
                  labels: {type: object, maxProperties: 2, minProperties: 1, additionalProperties: {type: string, maxLength: 3}}
                  mode:
                    type: string
                    oneOf: [{enum: [a, b]}, {enum: [b, c]}]
                  size:
                    type: integer
                    anyOf: [{maximum: 2}, {minimum: 100}]
                  not5:
                    type: integer
                    not: {enum: [5]}
                  template:
                    type: object
                    x-kubernetes-embedded-resource: true
                    x-kubernetes-preserve-unknown-fields: true
            """));

    record Case(String name, String spec, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, String spec) {
        return new Case(name, spec, List.of());
    }

    static Case bad(String name, String spec, String... errors) {
        return new Case(name, spec, List.of(errors));
    }

    static Stream<Case> objects() {
        return Stream.of(
                ok("A valid object has no errors", "{replicas: 3, color: red, name: abc, tags: [a, b], port: 8080, note: null}"),
                bad("A required field that is missing", "{color: red}", "spec.replicas: Required value"),
                bad("Above the maximum", "{replicas: 11}",
                        "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"),
                bad("Below the minimum", "{replicas: 0}",
                        "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"),
                bad("At an exclusive maximum", "{replicas: 1, ratio: 1}",
                        "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1"),
                bad("At an exclusive minimum", "{replicas: 1, ratio: 0}",
                        "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0"),
                bad("Not a multiple", "{replicas: 1, step: 7}",
                        "spec.step: Invalid value: 7: spec.step in body should be a multiple of 5"),
                bad("A value outside the enum", "{replicas: 1, color: pink}",
                        "spec.color: Unsupported value: \"pink\": supported values: \"red\", \"blue\""),
                bad("A string of the wrong type", "{replicas: \"3\"}",
                        "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""),
                bad("A fraction where an integer belongs", "{replicas: 1.5}",
                        "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\""),
                bad("Too short", "{replicas: 1, name: a}",
                        "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long"),
                bad("Too long", "{replicas: 1, name: abcdef}", "spec.name: Too long: may not be more than 5 bytes"),
                bad("Not matching the pattern", "{replicas: 1, name: AB}",
                        "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"),
                bad("Not an email", "{replicas: 1, email: nobody}",
                        "spec.email: Invalid value: \"nobody\": spec.email in body must be of type email: \"nobody\""),
                bad("Not a uuid", "{replicas: 1, id: 123}",
                        "spec.id: Invalid value: \"integer\": spec.id in body must be of type string: \"integer\""),
                ok("A uuid and a date-time", "{replicas: 1, id: 123e4567-e89b-12d3-a456-426614174000, when: \"2024-01-02T03:04:05Z\"}"),
                bad("Not a date-time", "{replicas: 1, when: yesterday}",
                        "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\""),
                bad("int-or-string refuses a boolean", "{replicas: 1, port: true}",
                        "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\""),
                ok("int-or-string takes a string", "{replicas: 1, port: http}"),
                bad("null where the schema does not allow it", "{replicas: 1, flag: null}",
                        "spec.flag: Invalid value: \"null\": spec.flag in body must be of type boolean: \"null\""),
                bad("Too many items", "{replicas: 1, tags: [a, b, c, d]}", "spec.tags: Too many: 4: must have at most 3 items"),
                bad("Too few items", "{replicas: 1, tags: []}",
                        "spec.tags: Invalid value: []: spec.tags in body should have at least 1 items"),
                bad("A set holds a value once", "{replicas: 1, tags: [a, a]}", "spec.tags[1]: Duplicate value: \"a\""),
                bad("A map list holds a key once", "{replicas: 1, ports: [{port: 80}, {port: 80, name: x}]}",
                        "spec.ports[1]: Duplicate value: {\"port\":80}"),
                bad("Too many properties", "{replicas: 1, labels: {a: x, b: y, c: z}}",
                        "spec.labels: Too many: 3: must have at most 2 items"),
                bad("additionalProperties validate every value", "{replicas: 1, labels: {a: long}}",
                        "spec.labels.a: Too long: may not be more than 3 bytes"),
                bad("oneOf wants exactly one match", "{replicas: 1, mode: b}",
                        "spec.mode: Invalid value: \"b\": \"spec.mode\" must validate one and only one schema (oneOf)"),
                ok("oneOf with one match", "{replicas: 1, mode: a}"),
                bad("anyOf wants a match", "{replicas: 1, size: 50}",
                        "spec.size: Invalid value: 50: \"spec.size\" must validate at least one schema (anyOf)"),
                bad("not refuses a match", "{replicas: 1, not5: 5}",
                        "spec.not5: Invalid value: 5: \"spec.not5\" must not validate the schema (not)"),
                bad("An embedded resource needs apiVersion and kind", "{replicas: 1, template: {metadata: {name: a}}}",
                        "spec.template.apiVersion: Required value: must not be empty", "spec.template.kind: Required value: must not be empty"),
                bad("An embedded resource's name is a path segment", "{replicas: 1, template: {apiVersion: v1, kind: Pod, metadata: {name: a/b}}}",
                        "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'"),
                ok("A well formed embedded resource", "{replicas: 1, template: {apiVersion: apps/v1, kind: Deployment, spec: {x: 1}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void objectsAreValidatedWithKubesMessages(Case c) {
        var object = Yaml.object("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}");
        object.set("spec", Yaml.tree(c.spec()));
        List<String> errors = SCHEMA.validate(object).stream().map(FieldError::message).toList();
        assertThat(errors).containsExactlyInAnyOrderElementsOf(c.errors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void patternsMatchAsGoRegexpDoes(String pattern, String value, boolean matches) {
        CustomSchema s = CustomSchema.compile(Yaml.tree("{type: object, properties: {a: {type: string, pattern: '" + pattern + "'}}}"));
        var object = Yaml.object("{}");
        object.put("a", value);
        assertThat(s.validate(object)).as(pattern + " ~ " + value).hasSize(matches ? 0 : 1);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> patterns() {
        return Stream.of(
                // unanchored patterns match anywhere, as Go's MatchString does
                org.junit.jupiter.params.provider.Arguments.of("b", "abc", true),
                org.junit.jupiter.params.provider.Arguments.of("^b", "abc", false),
                // \\d is ASCII only in RE2; java.util.regex with UNICODE_CHARACTER_CLASS would differ
                org.junit.jupiter.params.provider.Arguments.of("^\\d+$", "١٢", false),
                org.junit.jupiter.params.provider.Arguments.of("^\\d+$", "12", true),
                // $ matches only at the very end in RE2, not before a final newline as in Java
                org.junit.jupiter.params.provider.Arguments.of("^a$", "a\n", false));
    }

    @org.junit.jupiter.api.Test
    void anUpdateDoesNotRevalidateUnchangedValues() {
        // stored before the schema got stricter: replicas 12 and a too-long name stay as they were
        var old = Yaml.object("{metadata: {name: w}, spec: {replicas: 12, name: abcdefg, ports: [{port: 80, name: toolong-but-fine}]}}");
        var sameValues = Yaml.object("{metadata: {name: w}, spec: {replicas: 12, name: abcdefg, color: red, ports: [{port: 80, name: toolong-but-fine}]}}");
        var changedValue = Yaml.object("{metadata: {name: w}, spec: {replicas: 13, name: abcdefg}}");
        assertThat(SCHEMA.validateUpdate(sameValues, old)).isEmpty();
        assertThat(SCHEMA.validateUpdate(changedValue, old)).extracting(FieldError::message)
                .containsExactly("spec.replicas: Invalid value: 13: spec.replicas in body should be less than or equal to 10");
        assertThat(SCHEMA.validate(sameValues)).extracting(FieldError::message).containsExactlyInAnyOrder(
                "spec.replicas: Invalid value: 12: spec.replicas in body should be less than or equal to 10",
                "spec.name: Too long: may not be more than 5 bytes");
    }

    @org.junit.jupiter.api.Test
    void theRootsMetadataNameIsValidatedAgainstTheSchema() {
        var object = Yaml.object("{apiVersion: example.com/v1, kind: Widget, metadata: {name: much-too-long}, spec: {replicas: 1}}");
        assertThat(SCHEMA.validate(object)).extracting(FieldError::message)
                .containsExactly("metadata.name: Too long: may not be more than 8 bytes");
    }
}
