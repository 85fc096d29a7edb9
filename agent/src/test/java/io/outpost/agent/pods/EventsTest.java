package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.testing.RecordingStatusSink;

class EventsTest {

    record Case(String name, Instant now, String eventTime) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case[] cases() {
        return new Case[] {
            new Case("An event at a whole second still has six fraction digits",
                    Instant.parse("2026-11-25T19:24:17Z"), "2026-11-25T19:24:17.000000Z"),
            new Case("An event at a millisecond has six fraction digits",
                    Instant.parse("2026-11-25T19:24:17.958Z"), "2026-11-25T19:24:17.958000Z"),
            new Case("An event at a nanosecond is cut to microseconds, as Go's MicroTime keeps them",
                    Instant.parse("2026-11-25T19:24:17.958692374Z"), "2026-11-25T19:24:17.958692Z"),
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eventTimeIsGosMicroTime(Case c) {
        RecordingStatusSink sink = new RecordingStatusSink();
        Events events = new Events(sink, Clock.fixed(c.now(), ZoneOffset.UTC), "n1");
        Pod pod = new PodBuilder().withNewMetadata().withNamespace("default").withName("web").withUid("u-1").endMetadata().build();

        events.record(pod, "c", Events.NORMAL, "Started", "Start", "Started container c");

        Event event = sink.events().getFirst();
        assertThat(event.getEventTime().getTime()).isEqualTo(c.eventTime());
        assertThat(event.getRegarding().getUid()).isEqualTo("u-1");
        assertThat(event.getRegarding().getFieldPath()).isEqualTo("spec.containers{c}");
    }
}
