package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.node.ObjectNode;

/** x-kubernetes-validations: compiled when the CRD is written, evaluated on every write of an object. */
class RulesTest {

    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    /** A spec with the given x-kubernetes-validations list (YAML flow), and fields to test them on. */
    private static String schema(String validations) {
        return """
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations: %s
                    properties:
                      replicas: {type: integer}
                      minReplicas: {type: integer}
                      name: {type: string}
                      my-field: {type: string}
                      tags: {type: array, items: {type: string}}
                      labels: {type: object, additionalProperties: {type: string}}
                """.formatted(validations);
    }

    record Compile(String name, String validations, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Compile> declarations() {
        String at = P + ".properties[spec].x-kubernetes-validations[0]";
        return Stream.of(
                new Compile("A rule over declared fields compiles", "[{rule: 'self.minReplicas <= self.replicas'}]", List.of()),
                new Compile("Macros, strings and optionals are available",
                        "[{rule: \"self.tags.all(t, t.startsWith('a')) && self.?name.orValue('x').lowerAscii() != '' && has(self.labels)\"}]", List.of()),
                new Compile("A property that is not a CEL identifier is escaped", "[{rule: \"self.my__dash__field != 'x'\"}]", List.of()),
                new Compile("An undeclared field does not compile", "[{rule: 'self.replics > 0'}]",
                        List.of(at + ".rule: Invalid value: \"self.replics > 0\": compilation failed: ERROR: <input>:1:5: undefined field 'replics'\n"
                                + " | self.replics > 0\n | ....^")),
                new Compile("A type mismatch does not compile", "[{rule: \"self.replicas == 'a'\"}]",
                        List.of(at + ".rule: Invalid value: \"self.replicas == 'a'\": compilation failed: ERROR: <input>:1:15: found no matching overload for '_==_' applied to '(int, string)' (candidates: (%A0, %A0))\n"
                                + " | self.replicas == 'a'\n | ..............^")),
                new Compile("A rule must be a bool", "[{rule: 'self.replicas + 1'}]",
                        List.of(at + ".rule: Invalid value: \"self.replicas + 1\": must evaluate to a bool")),
                new Compile("A rule must be given", "[{message: m}]", List.of(at + ".rule: Required value: rule is not specified")),
                new Compile("A message has no line breaks", "[{rule: 'true', message: \"a\\nb\"}]",
                        List.of(at + ".message: Invalid value: \"a\\nb\": message must not contain line breaks")),
                new Compile("A reason is one of four", "[{rule: 'true', reason: Bad}]",
                        List.of(at + ".reason: Unsupported value: \"Bad\": supported values: \"FieldValueInvalid\", \"FieldValueForbidden\", \"FieldValueRequired\", \"FieldValueDuplicate\"")),
                new Compile("A fieldPath must name a field", "[{rule: 'true', fieldPath: .nothing}]",
                        List.of(at + ".fieldPath: Invalid value: \".nothing\": fieldPath must be a valid path: does not refer to a valid field")),
                new Compile("A messageExpression must be a string", "[{rule: 'true', messageExpression: 'self.replicas'}]",
                        List.of(at + ".messageExpression: Invalid value: \"self.replicas\": must evaluate to a string")),
                new Compile("optionalOldSelf needs a transition rule", "[{rule: 'true', optionalOldSelf: true}]",
                        List.of(at + ".optionalOldSelf: Invalid value: true: may not be set to true if rule does not use oldSelf")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declarations")
    void rulesAreCompiledWhenTheCrdIsWritten(Compile c) {
        List<String> errors = CustomSchema.check(Yaml.tree(schema(c.validations())), P).stream().map(FieldError::message).toList();
        assertThat(errors).containsExactlyInAnyOrderElementsOf(c.errors());
    }

    @Test
    void defaultsMustPassTheRulesToo() {
        String schema = """
                type: object
                properties:
                  spec:
                    type: object
                    default: {replicas: 20}
                    x-kubernetes-validations: [{rule: 'self.replicas <= 10', message: at most ten}]
                    properties:
                      replicas: {type: integer}
                """;
        assertThat(CustomSchema.check(Yaml.tree(schema), P)).extracting(FieldError::message).containsExactly(
                P + ".properties[spec].default: Invalid value: \"object\": at most ten");
    }

    @Test
    void transitionRulesAreRefusedWhereOldValuesCannotBeCorrelated() {
        String schema = """
                type: object
                properties:
                  list:
                    type: array
                    items: {type: string, x-kubernetes-validations: [{rule: 'self == oldSelf'}]}
                """;
        assertThat(CustomSchema.check(Yaml.tree(schema), P)).extracting(FieldError::message).containsExactly(
                P + ".properties[list].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": "
                        + "oldSelf cannot be used on the uncorrelatable portion of the schema within " + P + ".properties[list].items");
    }

    record Eval(String name, String validations, String spec, String oldSpec, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Eval> evaluations() {
        return Stream.of(
                new Eval("A passing rule gives no error", "[{rule: 'self.minReplicas <= self.replicas'}]",
                        "{minReplicas: 1, replicas: 2}", null, List.of()),
                new Eval("A failing rule without a message names the rule", "[{rule: 'self.minReplicas <= self.replicas'}]",
                        "{minReplicas: 3, replicas: 2}", null,
                        List.of("spec: Invalid value: \"object\": failed rule: self.minReplicas <= self.replicas")),
                new Eval("A failing rule's message", "[{rule: 'self.replicas < 10', message: replicas must be below 10}]",
                        "{replicas: 12}", null, List.of("spec: Invalid value: \"object\": replicas must be below 10")),
                new Eval("A messageExpression wins over the message",
                        "[{rule: 'self.replicas < 10', message: m, messageExpression: \"'replicas is ' + string(self.replicas)\"}]",
                        "{replicas: 12}", null, List.of("spec: Invalid value: \"object\": replicas is 12")),
                new Eval("fieldPath and reason place and type the error",
                        "[{rule: 'self.replicas < 10', message: too many, fieldPath: .replicas, reason: FieldValueForbidden}]",
                        "{replicas: 12}", null, List.of("spec.replicas: Forbidden: too many")),
                new Eval("A missing key is an evaluation error", "[{rule: \"self.name == 'x'\"}]",
                        "{replicas: 1}", null, List.of("spec: Invalid value: \"object\": key 'name' is not present in map evaluating rule: self.name == 'x'")),
                new Eval("A transition rule is skipped on create", "[{rule: 'self.replicas >= oldSelf.replicas', message: no scale down}]",
                        "{replicas: 1}", null, List.of()),
                new Eval("A transition rule compares with the old object on update", "[{rule: 'self.replicas >= oldSelf.replicas', message: no scale down}]",
                        "{replicas: 1}", "{replicas: 2}", List.of("spec: Invalid value: \"object\": no scale down")),
                new Eval("optionalOldSelf runs on create with no old value",
                        "[{rule: '!oldSelf.hasValue() && self.replicas == 1 || oldSelf.hasValue()', optionalOldSelf: true, message: start at one}]",
                        "{replicas: 2}", null, List.of("spec: Invalid value: \"object\": start at one")),
                new Eval("Kubernetes' quantity library is available",
                        "[{rule: \"quantity(self.name).isLessThan(quantity('1Gi'))\", message: below 1Gi}]",
                        "{name: 2Gi}", null, List.of("spec: Invalid value: \"object\": below 1Gi")),
                new Eval("Kubernetes' IP library is available", "[{rule: \"isIP(self.name) && ip(self.name).family() == 4\"}]",
                        "{name: 10.0.0.1}", null, List.of()),
                new Eval("A runaway rule is stopped by the per-call cost limit",
                        "[{rule: 'self.tags.all(a, self.tags.all(b, self.tags.all(c, a + b + c != \"x\")))'}]",
                        "{tags: " + tags(120) + "}", null,
                        List.of("spec: Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': call cost exceeds limit for rule: "
                                + "self.tags.all(a, self.tags.all(b, self.tags.all(c, a + b + c != \"x\")))")));
    }

    private static String tags(int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append("t").append(i);
        }
        return s.append("]").toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluations")
    void rulesAreEvaluatedOnWrites(Eval e) {
        CustomSchema schema = CustomSchema.compile(Yaml.tree(schema(e.validations())));
        ObjectNode object = Yaml.object("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}");
        object.set("spec", Yaml.tree(e.spec()));
        ObjectNode old = null;
        if (e.oldSpec() != null) {
            old = Yaml.object("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}");
            old.set("spec", Yaml.tree(e.oldSpec()));
        }
        assertThat(schema.validateUpdate(object, old)).extracting(FieldError::message).containsExactlyElementsOf(e.errors());
    }

    @Test
    void rulesOnMapListItemsSeeTheItemWithTheSameKey() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                properties:
                  ports:
                    type: array
                    x-kubernetes-list-type: map
                    x-kubernetes-list-map-keys: [name]
                    items:
                      type: object
                      required: [name]
                      properties:
                        name: {type: string}
                        port: {type: integer, x-kubernetes-validations: [{rule: 'self == oldSelf', message: port is immutable}]}
                """));
        ObjectNode old = Yaml.object("{ports: [{name: a, port: 1}, {name: b, port: 2}]}");
        ObjectNode reordered = Yaml.object("{ports: [{name: b, port: 2}, {name: a, port: 1}, {name: c, port: 3}]}");
        ObjectNode changed = Yaml.object("{ports: [{name: b, port: 2}, {name: a, port: 9}]}");
        assertThat(schema.validateUpdate(reordered, old)).isEmpty();
        assertThat(schema.validateUpdate(changed, old)).extracting(FieldError::message)
                .containsExactly("ports[1].port: Invalid value: \"integer\": port is immutable");
    }

    @Test
    void dateTimeDurationAndByteStringsAreTypedAsInKube() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: "self.start.getFullYear() >= 2020"
                        message: too early
                      - rule: "self.every >= duration('1m') && self.every < duration('48h')"
                        message: between a minute and two days
                      - rule: "size(self.key) == 4"
                        message: four bytes
                    properties:
                      start: {type: string, format: date-time}
                      every: {type: string, format: duration}
                      key: {type: string, format: byte}
                """));
        assertThat(schema.validate(Yaml.object("{spec: {start: '2024-05-01T10:00:00Z', every: 1h30m, key: AQIDBA==}}"))).isEmpty();
        assertThat(schema.validate(Yaml.object("{spec: {start: '2019-05-01T10:00:00+02:00', every: 3d, key: AQI=}}")))
                .extracting(FieldError::message).containsExactly(
                        "spec: Invalid value: \"object\": too early",
                        "spec: Invalid value: \"object\": between a minute and two days",
                        "spec: Invalid value: \"object\": four bytes");
    }

    @Test
    void rulesAreNotRerunOnUnchangedValuesButTransitionRulesAre() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree(schema(
                "[{rule: 'self.replicas < 10', message: below ten}, {rule: 'self.replicas <= oldSelf.replicas', message: no growth}]")));
        ObjectNode old = Yaml.object("{spec: {replicas: 12}}");
        assertThat(schema.validateUpdate(Yaml.object("{spec: {replicas: 12}}"), old)).isEmpty();
        assertThat(schema.validateUpdate(Yaml.object("{spec: {replicas: 13}}"), old)).extracting(FieldError::message)
                .containsExactly("spec: Invalid value: \"object\": below ten", "spec: Invalid value: \"object\": no growth");
    }

    @Test
    void rulesRunBesideSchemaErrorsButNotOnValuesOfTheWrongType() {
        CustomSchema schema = CustomSchema.compile(Yaml.tree("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations: [{rule: "self.name != 'x'", message: not x}]
                    properties:
                      name: {type: string, maxLength: 3}
                      replicas: {type: integer, x-kubernetes-validations: [{rule: 'self > 0', message: positive}]}
                """));
        ObjectNode object = Yaml.object("{spec: {replicas: many, name: x}}");
        assertThat(schema.validate(object)).extracting(FieldError::message).containsExactly(
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                "spec: Invalid value: \"object\": not x");
    }
}
