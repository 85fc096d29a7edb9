package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.ObjectNode;

class CustomColumnsConvertorTest {

    private static final ObjectNode OBJECT = Json.object("""
            {'metadata':{'name':'w1','creationTimestamp':'2026-11-25T10:00:00Z','labels':{'app.kubernetes.io/name':'web'}},
             'spec':{'replicas':3,'ratio':0.5,'ready':true,'items':[{'n':'a'},{'n':'b'}],'nested':{'x':1},'whole':2.0}}""");

    record Case(String path, String type, Object cell) {
        @Override
        public String toString() {
            return path + " as " + type + " is " + cell;
        }
    }

    static List<Case> cells() {
        return List.of(
                new Case(".spec.replicas", "integer", 3L),
                new Case(".spec.whole", "integer", 2L),
                new Case(".spec.ratio", "integer", null),
                new Case(".spec.ratio", "number", 0.5),
                new Case(".spec.ready", "boolean", true),
                new Case(".spec.replicas", "boolean", null),
                new Case(".spec.items[1].n", "string", "b"),
                new Case(".spec.items[-1].n", "string", "b"),
                new Case(".spec.items[*].n", "string", "a"),
                new Case(".metadata.labels['app.kubernetes.io/name']", "string", "web"),
                new Case(".spec.nested", "string", "{\"x\":1}"),
                new Case(".spec.missing", "string", null),
                new Case(".metadata.creationTimestamp", "date", "2026-11-25T10:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void aColumnsCellIsTheFirstValueOfItsPathInItsType(Case c) {
        StringBuilder why = new StringBuilder();
        SimpleJsonPath path = SimpleJsonPath.parse(c.path(), why).orElseThrow(() -> new AssertionError(why));
        CustomColumnsConvertor convertor = new CustomColumnsConvertor(List.of(
                new CustomColumnsConvertor.Definition("Col", c.type(), "", "", 0, c.path(), path)));
        assertThat(convertor.row(OBJECT, Instant.EPOCH).cells()).isEqualTo(Arrays.asList("w1", c.cell()));
    }

    @Test
    void withoutColumnsTheTableIsNameAndAgeAsInKube() {
        CustomColumnsConvertor convertor = new CustomColumnsConvertor(List.of());
        assertThat(convertor.columns()).extracting(Column::name).containsExactly("Name", "Age");
        assertThat(convertor.columns().get(1).type()).isEqualTo("date");
        assertThat(convertor.row(OBJECT, Instant.EPOCH).cells()).containsExactly("w1", "2026-11-25T10:00:00Z");
    }

    @Test
    void filtersAndRecursiveDescentAreNotSimplePaths() {
        assertThat(SimpleJsonPath.parse(".spec[?(@.x==1)]", new StringBuilder())).isEmpty();
        assertThat(SimpleJsonPath.parse("..name", new StringBuilder())).isEmpty();
        assertThat(SimpleJsonPath.parse("spec.x", new StringBuilder())).isEmpty();
        assertThat(SimpleJsonPath.parse("{.spec.x}", new StringBuilder())).isPresent();
    }
}
