package io.outpost.apiserver.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class NodeProjectionTest {

    static final ObjectRef A = new ObjectRef(ObjectKind.POD, "ns", "a");
    static final ObjectRef B = new ObjectRef(ObjectKind.POD, "ns", "b");
    static final ObjectRef CM = new ObjectRef(ObjectKind.CONFIG_MAP, "ns", "cm");
    static final ObjectRef SECRET = new ObjectRef(ObjectKind.SECRET, "ns", "s");

    static JsonNode pod(String name, String node, String configMap) {
        String volumes = configMap == null ? "[]" : "[{\"name\":\"v\",\"configMap\":{\"name\":\"" + configMap + "\"}}]";
        return JsonMapper.builder().build().readTree("{\"metadata\":{\"namespace\":\"ns\",\"name\":\"" + name + "\"},"
                + "\"spec\":{\"nodeName\":\"" + node + "\",\"volumes\":" + volumes + ","
                + "\"imagePullSecrets\":[{\"name\":\"s\"}]}}");
    }

    record Case(String name, Consumer<NodeProjection> before, ObjectRef pod, JsonNode now, List<ObjectRef> appeared,
                boolean held, boolean cmReferenced) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod bound here brings the objects it references", p -> { }, A, pod("a", "n1", "cm"),
                        List.of(CM, SECRET), true, true),
                new Case("A pod bound elsewhere brings nothing and is not held", p -> { }, A, pod("a", "n2", "cm"),
                        List.of(), false, false),
                new Case("A second pod referencing the same object brings nothing new", p -> p.pod(A, pod("a", "n1", "cm")),
                        B, pod("b", "n1", "cm"), List.of(), true, true),
                new Case("Deleting one of two referencing pods keeps the reference", p -> {
                    p.pod(A, pod("a", "n1", "cm"));
                    p.pod(B, pod("b", "n1", "cm"));
                }, B, null, List.of(), false, true),
                new Case("Deleting the last referencing pod drops the reference", p -> p.pod(A, pod("a", "n1", "cm")),
                        A, null, List.of(), false, false),
                new Case("A pod that stops referencing an object drops it and brings nothing", p -> p.pod(A, pod("a", "n1", "cm")),
                        A, pod("a", "n1", null), List.of(), true, false),
                new Case("A pod updated to a new reference brings only the new object", p -> p.pod(A, pod("a", "n1", "old")),
                        A, pod("a", "n1", "cm"), List.of(CM), true, true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tracksReferencesAsPodsComeAndGo(Case c) {
        NodeProjection projection = new NodeProjection("n1");
        c.before().accept(projection);
        assertThat(projection.pod(c.pod(), c.now())).containsExactlyInAnyOrderElementsOf(c.appeared());
        assertThat(projection.holdsPod(c.pod())).isEqualTo(c.held());
        assertThat(projection.referenced(CM)).isEqualTo(c.cmReferenced());
    }
}
