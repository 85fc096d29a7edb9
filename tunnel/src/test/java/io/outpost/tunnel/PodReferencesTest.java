package io.outpost.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.json.JsonMapper;

class PodReferencesTest {

    record Case(String name, String spec, Set<ObjectRef> refs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ObjectRef cm(String name) {
        return new ObjectRef(ObjectKind.CONFIG_MAP, "ns", name);
    }

    static ObjectRef secret(String name) {
        return new ObjectRef(ObjectKind.SECRET, "ns", name);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod with no volumes or env references nothing", "{\"containers\":[{\"name\":\"c\"}]}", Set.of()),
                new Case("ConfigMap and Secret volumes are references",
                        "{\"volumes\":[{\"name\":\"a\",\"configMap\":{\"name\":\"c1\"}},{\"name\":\"b\",\"secret\":{\"secretName\":\"s1\"}}]}",
                        Set.of(cm("c1"), secret("s1"))),
                new Case("Projected volume sources are references",
                        "{\"volumes\":[{\"name\":\"p\",\"projected\":{\"sources\":[{\"configMap\":{\"name\":\"c2\"}},{\"secret\":{\"name\":\"s2\"}}]}}]}",
                        Set.of(cm("c2"), secret("s2"))),
                new Case("env valueFrom and envFrom of init and regular containers are references",
                        "{\"initContainers\":[{\"name\":\"i\",\"envFrom\":[{\"configMapRef\":{\"name\":\"c3\"}}]}],"
                                + "\"containers\":[{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s3\",\"key\":\"k\"}}},"
                                + "{\"name\":\"Y\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"c4\",\"key\":\"k\"}}}],"
                                + "\"envFrom\":[{\"secretRef\":{\"name\":\"s4\"}}]}]}",
                        Set.of(cm("c3"), cm("c4"), secret("s3"), secret("s4"))),
                new Case("Image pull secrets are references", "{\"imagePullSecrets\":[{\"name\":\"pull\"}]}", Set.of(secret("pull"))),
                new Case("Ephemeral containers' env references count too",
                        "{\"ephemeralContainers\":[{\"name\":\"dbg\",\"envFrom\":[{\"secretRef\":{\"name\":\"s5\"}}]}]}",
                        Set.of(secret("s5"))),
                new Case("A null or non-string name is no reference",
                        "{\"volumes\":[{\"name\":\"n\",\"configMap\":{\"name\":null}},{\"name\":\"m\",\"secret\":{\"secretName\":7}}],"
                                + "\"imagePullSecrets\":null}", Set.of()),
                new Case("Empty names and other volume types are not",
                        "{\"volumes\":[{\"name\":\"e\",\"emptyDir\":{}},{\"name\":\"h\",\"configMap\":{\"name\":\"\"}}]}", Set.of()));
    }

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    static String pod(Case c) {
        return "{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"},\"spec\":" + c.spec() + "}";
    }

    @ParameterizedTest
    @MethodSource("cases")
    void findsTheReferencesKubeletFinds(Case c) {
        assertThat(PodReferences.of(MAPPER.readTree(pod(c)))).containsExactlyInAnyOrderElementsOf(c.refs());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void thePlainMapsOfThePodGiveTheSameAnswer(Case c) {
        assertThat(PodReferences.of(JsonTree.ofPlain(MAPPER.readValue(pod(c), Map.class)))).containsExactlyInAnyOrderElementsOf(c.refs());
    }
}
