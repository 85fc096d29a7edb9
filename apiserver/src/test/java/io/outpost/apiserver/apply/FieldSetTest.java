package io.outpost.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.json.JsonMapper;

class FieldSetTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aNodeThatIsAMemberAndHasMembersBelowIsWrittenWithADot() {
        FieldSet set = new FieldSet()
                .insert(List.of("f:metadata", "f:labels"))
                .insert(List.of("f:metadata", "f:labels", "f:app"))
                .insert(List.of("f:spec", "f:replicas"));
        assertThat(set.toFieldsV1().toString())
                .isEqualTo("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:replicas\":{}}}");
    }

    @Test
    void fieldsV1ReadsBackToTheSameSet() {
        String text = "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:image\":{}}},\"f:finalizers\":{\"v:\\\"a\\\"\":{}}}}";
        FieldSet set = FieldSet.fromFieldsV1(JSON.readTree(text));
        assertThat(set.has(List.of("f:spec", "f:containers", "k:{\"name\":\"app\"}"))).isTrue();
        assertThat(set.has(List.of("f:spec", "f:containers"))).isFalse();
        assertThat(set.covers(List.of("f:spec", "f:containers"))).isTrue();
        assertThat(set.toFieldsV1().toString()).isEqualTo(text);
    }

    @Test
    void fieldsV1WithAnUnknownElementIsRefused() {
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(JSON.readTree("{\"x:y\":{}}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(JSON.readTree("[]"))).isInstanceOf(IllegalArgumentException.class);
    }

    record Display(List<String> path, String printed) {
        @Override
        public String toString() {
            return printed;
        }
    }

    static Stream<Display> displays() {
        return Stream.of(
                new Display(List.of("f:spec", "f:replicas"), ".spec.replicas"),
                new Display(List.of("f:spec", "f:containers", "k:{\"name\":\"app\"}", "f:image"), ".spec.containers[name=\"app\"].image"),
                new Display(List.of("f:ports", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}"), ".ports[containerPort=80,protocol=\"TCP\"]"),
                new Display(List.of("f:metadata", "f:finalizers", "v:\"a\""), ".metadata.finalizers[=\"a\"]"),
                new Display(List.of("f:items", "i:2"), ".items[2]"));
    }

    @ParameterizedTest(name = "A path is printed as {0}")
    @MethodSource("displays")
    void pathsArePrintedAsKubePrintsThem(Display d) {
        assertThat(FieldSet.display(d.path())).isEqualTo(d.printed());
    }

    @Test
    void setAlgebra() {
        FieldSet a = new FieldSet().insert(List.of("f:a")).insert(List.of("f:b", "f:c"));
        FieldSet b = new FieldSet().insert(List.of("f:b", "f:c")).insert(List.of("f:d"));
        assertThat(a.copy().union(b).paths()).containsExactly(List.of("f:a"), List.of("f:b", "f:c"), List.of("f:d"));
        assertThat(a.minus(b).paths()).containsExactly(List.of("f:a"));
        assertThat(a.intersect(b).paths()).containsExactly(List.of("f:b", "f:c"));
        assertThat(a.minus(a).isEmpty()).isTrue();
    }
}
