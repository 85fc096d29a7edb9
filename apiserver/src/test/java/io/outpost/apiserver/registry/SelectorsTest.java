package io.outpost.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorsTest {

    record Case(String name, String selector, Map<String, String> labels, boolean matches) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "n", "3");

    static Stream<Case> labelCases() {
        return Stream.of(
                new Case("The empty selector matches everything", "", WEB, true),
                new Case("k=v matches an equal label", "app=web", WEB, true),
                new Case("k==v matches an equal label", "app==web", WEB, true),
                new Case("k=v does not match another value", "app=db", WEB, false),
                new Case("k!=v matches another value", "app!=db", WEB, true),
                new Case("k!=v matches an object without the label", "zone!=a", WEB, true),
                new Case("k in (a,b) matches one of them", "app in (db, web)", WEB, true),
                new Case("k in (a,b) does not match a missing label", "zone in (a,b)", WEB, false),
                new Case("k notin (a,b) matches a missing label", "zone notin (a,b)", WEB, true),
                new Case("k notin (a,b) does not match one of them", "app notin (web)", WEB, false),
                new Case("k matches when the label exists", "tier", WEB, true),
                new Case("!k matches when the label does not exist", "!zone", WEB, true),
                new Case("!k does not match when it exists", "!app", WEB, false),
                new Case("k>n compares integers", "n>2", WEB, true),
                new Case("Every requirement must hold", "app=web,tier in (back),!zone", WEB, false),
                new Case("Sets and other terms combine", "app in (web,db),tier=front", WEB, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labelCases")
    void labelSelector(Case c) {
        assertThat(LabelSelector.parse(c.selector()).matches(c.labels())).isEqualTo(c.matches());
    }

    static Stream<String> badLabelSelectors() {
        return Stream.of("app=we b", "a b c", "-x=y", "n>two");
    }

    @ParameterizedTest(name = "The label selector \"{0}\" is a bad request")
    @MethodSource("badLabelSelectors")
    void badLabelSelector(String selector) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    static Stream<Case> fieldCases() {
        Map<String, String> pod = Map.of("metadata.name", "p", "spec.nodeName", "n1", "status.phase", "Running");
        return Stream.of(
                new Case("f=v matches an equal field", "spec.nodeName=n1", pod, true),
                new Case("f==v matches an equal field", "spec.nodeName==n1", pod, true),
                new Case("f!=v excludes an equal field", "spec.nodeName!=n1", pod, false),
                new Case("f= matches an empty field", "spec.nodeName=", Map.of("spec.nodeName", ""), true),
                new Case("Every term must hold", "metadata.name=p,status.phase=Pending", pod, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldCases")
    void fieldSelector(Case c) {
        assertThat(FieldSelector.parse(c.selector(), Set.of("metadata.name", "spec.nodeName", "status.phase")).matches(c.labels()))
                .isEqualTo(c.matches());
    }

    @org.junit.jupiter.api.Test
    void anUnsupportedFieldIsABadRequestNamingIt() {
        assertThatThrownBy(() -> FieldSelector.parse("spec.foo=x", Set.of("metadata.name")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("field label not supported: spec.foo");
                });
    }
}
