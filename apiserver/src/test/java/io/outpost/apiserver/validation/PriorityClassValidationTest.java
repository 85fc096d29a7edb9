package io.outpost.apiserver.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class PriorityClassValidationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final PriorityClassValidation STRATEGY = new PriorityClassValidation();

    static ObjectNode pc(String json) {
        ObjectNode pc = (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        STRATEGY.applyDefaults(pc);
        return pc;
    }

    /** {@code old} null: a create. */
    record Case(String name, String object, String old, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A user class with a value is valid and preempts by default",
                        "{'metadata':{'name':'high'},'value':1000}", null, List.of()),
                new Case("A user class above one billion is forbidden", "{'metadata':{'name':'huge'},'value':1000000001}", null,
                        List.of("value: Forbidden: maximum allowed value of a user defined priority is 1000000000")),
                new Case("A system name is reserved", "{'metadata':{'name':'system-mine'},'value':5}", null,
                        List.of("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use "
                                + "only. error: system-mine is not a known system priority class")),
                new Case("A system class has its own value", "{'metadata':{'name':'system-node-critical'},'value':2000001000}", null,
                        List.of()),
                new Case("An unknown preemption policy is not supported",
                        "{'metadata':{'name':'p'},'value':1,'preemptionPolicy':'Sometimes'}", null,
                        List.of("preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\"")),
                new Case("The value may not change", "{'metadata':{'name':'p'},'value':2}", "{'metadata':{'name':'p'},'value':1}",
                        List.of("value: Forbidden: may not be changed in an update.")),
                new Case("The description may change", "{'metadata':{'name':'p'},'value':1,'description':'new'}",
                        "{'metadata':{'name':'p'},'value':1}", List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void validates(Case c) {
        ObjectNode object = pc(c.object());
        var errors = c.old() == null ? STRATEGY.validate(object) : STRATEGY.validateUpdate(object, pc(c.old()));
        assertThat(errors).extracting(FieldError::message).isEqualTo(c.errors());
        assertThat(object.path("preemptionPolicy").asString()).isNotEmpty();
    }
}
