package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OutputFormatTest {

    static final String KUBECTL_GET = "application/json;as=Table;v=v1;g=meta.k8s.io,"
            + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    record Case(String name, List<String> accept, Optional<OutputFormat> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        OutputFormat v1 = new OutputFormat(OutputFormat.Kind.TABLE, "v1");
        return Stream.of(
                new Case("kubectl 1.27 and 1.33 get (same header) gets a v1 Table", List.of(KUBECTL_GET), Optional.of(v1)),
                new Case("A client that knows only v1beta1 gets a v1beta1 Table",
                        List.of("application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json"),
                        Optional.of(new OutputFormat(OutputFormat.Kind.TABLE, "v1beta1"))),
                new Case("kubectl get -o yaml gets plain JSON", List.of("application/json"), Optional.of(OutputFormat.JSON)),
                new Case("No Accept header means plain JSON", List.of(), Optional.of(OutputFormat.JSON)),
                new Case("kubectl 1.32+ typed clients put protobuf first and get JSON",
                        List.of("application/vnd.kubernetes.protobuf,application/json"), Optional.of(OutputFormat.JSON)),
                new Case("Protobuf alone is not acceptable", List.of("application/vnd.kubernetes.protobuf"),
                        Optional.empty()),
                new Case("A metadata informer's list gets PartialObjectMetadataList",
                        List.of("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"),
                        Optional.of(new OutputFormat(OutputFormat.Kind.PARTIAL_OBJECT_METADATA_LIST, "v1"))),
                new Case("An unknown group, version or kind is skipped for the next range",
                        List.of("application/json;as=Table;v=v2;g=meta.k8s.io",
                                "application/json;as=Thing;v=v1;g=meta.k8s.io,*/*"),
                        Optional.of(OutputFormat.JSON)),
                new Case("A range refused with q=0 is skipped", List.of("application/json;as=Table;v=v1;g=meta.k8s.io;q=0"),
                        Optional.empty()),
                new Case("Parameter order and case of names do not matter",
                        List.of("Application/JSON; g=meta.k8s.io; AS=Table; v=v1"), Optional.of(v1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void negotiatesAsKubeApiserver(Case c) {
        assertThat(OutputFormat.negotiate(c.accept())).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void labelsTheResponseWithTheMediaTypeItChose(Case c) {
        c.expected().ifPresent(f -> assertThat(OutputFormat.negotiate(List.of(f.contentType()))).contains(f));
    }
}
