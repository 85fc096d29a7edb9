package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.conversion.EventsV1Conversion;
import tools.jackson.databind.node.ObjectNode;

class EventConvertorTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:10:00Z");

    record Case(String name, String json, List<Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> events() {
        return Stream.of(
                new Case("A recorder's event shows its source component and host, first and last seen, and count",
                        "{'metadata':{'name':'web.1'},'involvedObject':{'kind':'Pod','name':'web','fieldPath':'spec.containers{c}'},"
                                + "'type':'Normal','reason':'Pulled','message':'pulled ','count':3,'source':{'component':'kubelet','host':'n1'},"
                                + "'firstTimestamp':'2026-11-25T10:00:00Z','lastTimestamp':'2026-11-25T10:05:00Z'}",
                        List.of("5m", "Normal", "Pulled", "pod/web", "spec.containers{c}", "kubelet, n1", "pulled", "10m", 3L, "web.1")),
                new Case("A new-style event without a source shows its reporting component and instance, seen at its eventTime",
                        "{'metadata':{'name':'web.2'},'involvedObject':{'kind':'Pod','name':'web'},'type':'Warning','reason':'BackOff',"
                                + "'message':'m','eventTime':'2026-11-25T10:08:00.000000Z','reportingComponent':'outpost.io/agent',"
                                + "'reportingInstance':'agent-n1'}",
                        List.of("2m", "Warning", "BackOff", "pod/web", "", "outpost.io/agent, agent-n1", "m", "2m", 1L, "web.2")),
                new Case("A series shows its last observation and count",
                        "{'metadata':{'name':'web.3'},'involvedObject':{'kind':'Pod','name':'web'},'type':'Warning','reason':'BackOff',"
                                + "'message':'m','eventTime':'2026-11-25T10:00:00.000000Z','series':{'count':4,"
                                + "'lastObservedTime':'2026-11-25T10:09:00.000000Z'},'reportingComponent':'c','reportingInstance':'i'}",
                        List.of("60s", "Warning", "BackOff", "pod/web", "", "c, i", "m", "10m", 4L, "web.3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void printsCoreEventsAsKubectl(Case c) {
        assertThat(new EventConvertor(false).row(Json.object(c.json()), NOW).cells()).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "In events.k8s.io/v1: {0}")
    @MethodSource("events")
    void printsAnEventsV1EventAsItsCoreForm(Case c) {
        ObjectNode v1 = new EventsV1Conversion().fromStorage(Json.object(c.json()));
        assertThat(new EventConvertor(true).row(v1, NOW).cells()).isEqualTo(c.expected());
    }
}
