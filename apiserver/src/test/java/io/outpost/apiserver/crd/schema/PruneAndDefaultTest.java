package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Unknown fields pruned and defaults applied as kube's pruning and defaulting algorithms do. */
class PruneAndDefaultTest {

    private static final CustomSchema SCHEMA = CustomSchema.compile(Yaml.tree("""
            type: object
            properties:
              spec:
                type: object
                default: {}
                properties:
                  replicas: {type: integer, default: 1}
                  mode: {type: string, default: fast}
                  note: {type: string, nullable: true, default: hi}
                  limit: {type: integer}
                  settings:
                    type: object
                    properties:
                      level: {type: integer, default: 3}
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        name: {type: string}
                        weight: {type: integer, default: 10}
                  labels: {type: object, additionalProperties: {type: string}}
                  extra: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {known: {type: object, properties: {a: {type: string}}}}}
                  raw: {type: object, additionalProperties: true}
                  template:
                    type: object
                    x-kubernetes-embedded-resource: true
                    properties:
                      spec: {type: object, properties: {image: {type: string}}}
              status: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """));

    record Case(String name, String object, String expected, List<String> pruned) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> requests() {
        String head = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: b}}\n";
        return Stream.of(
                new Case("An empty spec gets every default", head + "spec: {}",
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of()),
                new Case("A missing spec is defaulted to {} and then its fields", head,
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of()),
                new Case("Given values are kept", head + "spec: {replicas: 5, mode: slow, note: x}",
                        head + "spec: {replicas: 5, mode: slow, note: x}", List.of()),
                new Case("A null where null is not allowed is defaulted", head + "spec: {replicas: null}",
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of()),
                new Case("A null where null is allowed is kept", head + "spec: {note: null}",
                        head + "spec: {replicas: 1, mode: fast, note: null}", List.of()),
                new Case("A null without a default is dropped", head + "spec: {limit: null}",
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of()),
                new Case("Unknown fields are pruned and reported", head + "spec: {foo: 1, settings: {bar: 2}}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, settings: {level: 3}}", List.of("spec.foo", "spec.settings.bar")),
                new Case("Unknown fields at the root are pruned", head + "spec: {}\nextra: 1",
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of("extra")),
                new Case("Array items are pruned and defaulted one by one", head + "spec: {items: [{name: a, x: 1}, {name: b, weight: 2}]}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, items: [{name: a, weight: 10}, {name: b, weight: 2}]}",
                        List.of("spec.items[0].x")),
                new Case("additionalProperties keeps every key", head + "spec: {labels: {x: y}}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, labels: {x: y}}", List.of()),
                new Case("Preserved unknown fields are kept, known ones still pruned", head + "spec: {extra: {any: {deep: 1}, known: {a: x, b: y}}}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, extra: {any: {deep: 1}, known: {a: x}}}", List.of("spec.extra.known.b")),
                new Case("additionalProperties: true keeps everything", head + "spec: {raw: {a: {b: 1}}}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, raw: {a: {b: 1}}}", List.of()),
                new Case("An embedded resource keeps apiVersion, kind and ObjectMeta fields only",
                        head + "spec: {template: {apiVersion: v1, kind: Pod, metadata: {name: p, bogus: 1, labels: {a: b}}, spec: {image: x, y: 1}}}",
                        head + "spec: {replicas: 1, mode: fast, note: hi, template: {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {a: b}}, spec: {image: x}}}",
                        List.of("spec.template.metadata.bogus", "spec.template.spec.y")),
                new Case("Unknown fields of the root's metadata are pruned and reported",
                        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: b}, color: red}\nspec: {}",
                        head + "spec: {replicas: 1, mode: fast, note: hi}", List.of("metadata.color")),
                new Case("Status is preserved as it is", head + "spec: {}\nstatus: {anything: [1, 2]}",
                        head + "spec: {replicas: 1, mode: fast, note: hi}\nstatus: {anything: [1, 2]}", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestsArePrunedThenDefaulted(Case c) {
        var object = Yaml.object(c.object());
        List<String> pruned = SCHEMA.prepareRequest(object);
        assertThat(object).isEqualTo(Yaml.object(c.expected()));
        assertThat(pruned).containsExactlyElementsOf(c.pruned());
    }

    @Test
    void storedObjectsAreDefaultedOnReadWithoutDroppingNulls() {
        var object = Yaml.object("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {limit: null, gone: 1}");
        SCHEMA.prepareStored(object);
        assertThat(object).isEqualTo(Yaml.object("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {limit: null, replicas: 1, mode: fast, note: hi}"));
    }

    @Test
    void theUnknownFieldTextIsKubes() {
        assertThat(CustomSchema.unknownField("spec.foo")).isEqualTo("unknown field \"spec.foo\"");
    }

    @Test
    void defaultsAreDeepCopies() {
        var a = Yaml.object("spec: {}");
        var b = Yaml.object("spec: {}");
        SCHEMA.applyDefaults(a);
        SCHEMA.applyDefaults(b);
        ((tools.jackson.databind.node.ObjectNode) a.get("spec")).put("mode", "changed");
        assertThat(b.get("spec").get("mode").stringValue()).isEqualTo("fast");
    }
}
