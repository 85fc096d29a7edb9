package io.outpost.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.outpost.testing.FakeClock;

/** The aggregation of similar events; writing them is covered against the real server in cli. */
class EventRecorderTest {

    private final FakeClock clock = new FakeClock();
    private final EventRecorder recorder = new EventRecorder(null, "test-controller", clock);
    private final ObjectReference rs = new ObjectReferenceBuilder().withKind("ReplicaSet").withNamespace("ns")
            .withName("web").withUid("u1").build();

    @AfterEach
    void close() {
        recorder.close();
    }

    private String say(String message) {
        return recorder.aggregate(new EventRecorder.Pending(rs, EventRecorder.WARNING, "FailedCreate", message, clock.instant()));
    }

    @Test
    void upToTenDistinctMessagesAreKeptAsTheyAre() {
        for (int i = 0; i < 10; i++) {
            assertThat(say("Error creating: " + i)).isEqualTo("Error creating: " + i);
        }
    }

    @Test
    void theEleventhDistinctMessageWithinTenMinutesIsCombined() {
        for (int i = 0; i < 10; i++) {
            say("Error creating: " + i);
        }
        assertThat(say("Error creating: 10")).isEqualTo("(combined from similar events): Error creating: 10");
    }

    @Test
    void afterTenMinutesMessagesStandAloneAgain() {
        for (int i = 0; i < 11; i++) {
            say("Error creating: " + i);
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(say("Error creating: 11")).isEqualTo("Error creating: 11");
    }

    @Test
    void aRepeatedMessageDoesNotCountAsAnotherDistinctOne() {
        for (int i = 0; i < 20; i++) {
            assertThat(say("Error creating: same")).isEqualTo("Error creating: same");
        }
    }
}
