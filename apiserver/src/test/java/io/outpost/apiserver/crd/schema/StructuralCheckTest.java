package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.validation.FieldError;

/** Which openAPIV3Schemas kube-apiserver accepts for a CRD version, and how it words a refusal. */
class StructuralCheckTest {

    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    record Case(String name, String schema, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, String schema) {
        return new Case(name, schema, List.of());
    }

    static Case bad(String name, String schema, String... errors) {
        return new Case(name, schema, List.of(errors));
    }

    static Stream<Case> schemas() {
        return Stream.of(
                ok("A typical schema with spec and status is structural", """
                        type: object
                        properties:
                          spec:
                            type: object
                            required: [replicas]
                            properties:
                              replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
                              color: {type: string, enum: [red, blue]}
                              tags: {type: array, items: {type: string}, x-kubernetes-list-type: set}
                              labels: {type: object, additionalProperties: {type: string}}
                          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
                        """),
                bad("A field without a type is not structural", """
                        type: object
                        properties:
                          spec: {description: no type}
                        """, P + ".properties[spec].type: Required value: must not be empty for specified object fields"),
                bad("Array items without a type are not structural", """
                        type: object
                        properties:
                          list: {type: array, items: {minLength: 1}}
                        """, P + ".properties[list].items.type: Required value: must not be empty for specified array items"),
                bad("An array needs items", """
                        type: object
                        properties:
                          list: {type: array}
                        """, P + ".properties[list].items: Required value: must be specified"),
                bad("The root must be an object", "type: string",
                        P + ".type: Invalid value: \"string\": must be object at the root"),
                bad("The root must have a type", "properties: {a: {type: string}}",
                        P + ".type: Required value: must not be empty at the root"),
                bad("An unknown type is not supported", """
                        type: object
                        properties:
                          a: {type: date}
                        """, P + ".properties[a].type: Unsupported value: \"date\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""),
                bad("$ref is not supported", """
                        type: object
                        properties:
                          a: {$ref: "#/definitions/x"}
                        """, P + ".properties[a].$ref: Forbidden: $ref is not supported",
                        P + ".properties[a].type: Required value: must not be empty for specified object fields"),
                bad("definitions are not supported", """
                        type: object
                        definitions: {x: {type: string}}
                        """, P + ".definitions: Forbidden: definitions are not supported"),
                bad("uniqueItems is refused for its quadratic cost", """
                        type: object
                        properties:
                          a: {type: array, items: {type: string}, uniqueItems: true}
                        """, P + ".properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"),
                bad("additionalProperties and properties together are refused", """
                        type: object
                        properties:
                          a:
                            type: object
                            properties: {x: {type: string}}
                            additionalProperties: {type: string}
                        """, P + ".properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"),
                bad("additionalProperties is not allowed at the root", """
                        type: object
                        additionalProperties: {type: string}
                        """, P + ".additionalProperties: Forbidden: must not be used at the root"),
                bad("A pattern must be an RE2 regular expression: no lookahead", """
                        type: object
                        properties:
                          a: {type: string, pattern: "^(?!x)"}
                        """, P + ".properties[a].pattern: Invalid value: \"^(?!x)\": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
                bad("A pattern must close its groups", """
                        type: object
                        properties:
                          a: {type: string, pattern: "(abc"}
                        """, P + ".properties[a].pattern: Invalid value: \"(abc\": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `(abc`"),
                bad("Value validations may not carry a type", """
                        type: object
                        properties:
                          a:
                            type: string
                            anyOf: [{type: string, minLength: 1}, {maxLength: 0}]
                        """, P + ".properties[a].anyOf[0].type: Forbidden: must be empty to be structural"),
                ok("The int-or-string anyOf pattern is the one exception", """
                        type: object
                        properties:
                          port:
                            x-kubernetes-int-or-string: true
                            anyOf: [{type: integer}, {type: string}]
                        """),
                bad("Value validations must name only specified fields", """
                        type: object
                        properties:
                          spec:
                            type: object
                            properties: {a: {type: string}}
                            oneOf: [{required: [a]}, {properties: {b: {minLength: 1}}}]
                        """, P + ".properties[spec].properties[b]: Required value: because it is defined in " + P + ".properties[spec].oneOf[1].properties[b]"),
                bad("Value validations may not carry defaults or descriptions", """
                        type: object
                        properties:
                          a:
                            type: string
                            allOf: [{description: x, default: y}]
                        """, P + ".properties[a].allOf[0].default: Forbidden: must be undefined to be structural",
                        P + ".properties[a].allOf[0].description: Forbidden: must be empty to be structural"),
                bad("The root's metadata may restrict only name and generateName", """
                        type: object
                        properties:
                          metadata:
                            type: object
                            properties:
                              labels: {type: object, additionalProperties: {type: string}}
                        """, P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"),
                ok("The root's metadata may restrict the name", """
                        type: object
                        properties:
                          metadata:
                            type: object
                            properties:
                              name: {type: string, maxLength: 10}
                        """),
                bad("The root's metadata must be an object", """
                        type: object
                        properties:
                          metadata: {type: string}
                        """, P + ".properties[metadata].type: Invalid value: \"string\": must be object"),
                bad("kind at the root must be a string", """
                        type: object
                        properties:
                          kind: {type: integer}
                        """, P + ".properties[kind].type: Invalid value: \"integer\": must be string"),
                bad("An embedded resource must be an object", """
                        type: object
                        properties:
                          template: {type: string, x-kubernetes-embedded-resource: true}
                        """, P + ".properties[template].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
                        P + ".properties[template].type: Invalid value: \"string\": must be object if x-kubernetes-embedded-resource is true"),
                ok("An embedded resource that preserves unknown fields is structural", """
                        type: object
                        properties:
                          template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
                        """),
                bad("x-kubernetes-preserve-unknown-fields may only be true", """
                        type: object
                        x-kubernetes-preserve-unknown-fields: false
                        """, P + ".x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"),
                bad("int-or-string excludes preserve-unknown-fields", """
                        type: object
                        properties:
                          a: {x-kubernetes-int-or-string: true, x-kubernetes-preserve-unknown-fields: true}
                        """, P + ".properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"),
                bad("An unknown list type is not supported", """
                        type: object
                        properties:
                          a: {type: array, items: {type: string}, x-kubernetes-list-type: bag}
                        """, P + ".properties[a].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"map\", \"set\""),
                bad("A map list needs keys", """
                        type: object
                        properties:
                          a: {type: array, items: {type: object, properties: {name: {type: string}}}, x-kubernetes-list-type: map}
                        """, P + ".properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"),
                bad("A map list's keys must be required or defaulted", """
                        type: object
                        properties:
                          a:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [name]
                            items: {type: object, properties: {name: {type: string}}}
                        """, P + ".properties[a].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"),
                bad("A map list's keys must be item properties", """
                        type: object
                        properties:
                          a:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [id]
                            items: {type: object, properties: {name: {type: string}}}
                        """, P + ".properties[a].x-kubernetes-list-map-keys: Invalid value: [\"id\"]: entries must all be names of item properties"),
                bad("Keys are only for map lists", """
                        type: object
                        properties:
                          a: {type: array, items: {type: string}, x-kubernetes-list-type: set, x-kubernetes-list-map-keys: [x]}
                        """, P + ".properties[a].x-kubernetes-list-map-keys: Forbidden: must be empty if x-kubernetes-list-type is not map"),
                bad("A set of objects needs atomic objects", """
                        type: object
                        properties:
                          a: {type: array, x-kubernetes-list-type: set, items: {type: object, properties: {x: {type: string}}}}
                        """, P + ".properties[a].items.x-kubernetes-map-type: Invalid value: \"\": must be atomic as item of a list with x-kubernetes-list-type=set"),
                bad("A list type is only for arrays", """
                        type: object
                        properties:
                          a: {type: string, x-kubernetes-list-type: set}
                        """, P + ".properties[a].x-kubernetes-list-type: Invalid value: \"set\": must only be used if type is array"),
                bad("An unknown map type is not supported", """
                        type: object
                        properties:
                          a: {type: object, x-kubernetes-map-type: fine}
                        """, P + ".properties[a].x-kubernetes-map-type: Unsupported value: \"fine\": supported values: \"atomic\", \"granular\""),
                bad("A default must validate against its schema", """
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              replicas: {type: integer, maximum: 10, default: 20}
                        """, P + ".properties[spec].properties[replicas].default: Invalid value: 20: " + P
                        + ".properties[spec].properties[replicas].default in body should be less than or equal to 10"),
                bad("A default must be of the schema's type", """
                        type: object
                        properties:
                          color: {type: string, enum: [red], default: 3}
                        """, P + ".properties[color].default: Invalid value: \"integer\": " + P + ".properties[color].default in body must be of type string: \"integer\""),
                bad("A default must hold no unknown fields", """
                        type: object
                        properties:
                          spec:
                            type: object
                            properties: {a: {type: string}}
                            default: {a: x, b: y}
                        """, P + ".properties[spec].default: Invalid value: {\"a\":\"x\",\"b\":\"y\"}: must not have unknown fields"),
                bad("required must be a list of strings", """
                        type: object
                        required: spec
                        """, P + ".required: Invalid value: \"spec\": must be a list of strings"),
                bad("properties must be a map of schemas", """
                        type: object
                        properties: [a, b]
                        """, P + ".properties: Invalid value: [\"a\",\"b\"]: must be a map of schema objects"),
                bad("A property must be a schema object", """
                        type: object
                        properties: {a: 5}
                        """, P + ".properties: Invalid value: {\"a\":5}: must be a map of schema objects"),
                bad("x-kubernetes-validations must be a list of rules", """
                        type: object
                        x-kubernetes-validations: "self.a > 0"
                        """, P + ".x-kubernetes-validations: Invalid value: \"self.a > 0\": must be a list of objects"),
                bad("maxLength must be a non-negative integer", """
                        type: object
                        properties: {a: {type: string, maxLength: -1}}
                        """, P + ".properties[a].maxLength: Invalid value: -1: must be a non-negative integer"),
                bad("items must be a schema", """
                        type: object
                        properties: {a: {type: array, items: 5}}
                        """, P + ".properties[a].items: Invalid value: 5: must be a schema object",
                        P + ".properties[a].items: Required value: must be specified"),
                ok("A default object is defaulted before it is validated", """
                        type: object
                        properties:
                          spec:
                            type: object
                            required: [a]
                            default: {}
                            properties: {a: {type: string, default: x}}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void schemasAreCheckedAsKubeChecksThem(Case c) {
        List<String> errors = CustomSchema.check(Yaml.tree(c.schema()), P).stream().map(FieldError::message).toList();
        assertThat(errors).containsExactlyInAnyOrderElementsOf(c.errors());
    }
}
