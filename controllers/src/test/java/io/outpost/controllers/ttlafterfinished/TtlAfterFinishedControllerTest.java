package io.outpost.controllers.ttlafterfinished;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

class TtlAfterFinishedControllerTest {

    static final String FINISHED = "2026-01-01T00:00:00Z";

    static Job job(Integer ttl, String type, String status) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("j").endMetadata()
                .withNewSpec().withTtlSecondsAfterFinished(ttl).endSpec();
        if (type != null) {
            b.withNewStatus().addNewCondition().withType(type).withStatus(status).withLastTransitionTime(FINISHED)
                    .endCondition().endStatus();
        }
        return b.build();
    }

    record Case(String name, Job job, String expiry) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A completed Job expires its TTL after it completed", job(100, "Complete", "True"), "2026-01-01T00:01:40Z"),
                new Case("A failed Job expires its TTL after it failed", job(0, "Failed", "True"), FINISHED),
                new Case("A Job without a TTL never expires", job(null, "Complete", "True"), null),
                new Case("A running Job never expires", job(100, null, null), null),
                new Case("A Job whose finish condition is False never expires", job(100, "Complete", "False"), null),
                new Case("A suspended Job never expires", job(100, "Suspended", "True"), null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void expiry(Case c) {
        assertThat(TtlAfterFinishedController.expiry(c.job())).isEqualTo(Optional.ofNullable(c.expiry()).map(Instant::parse));
    }
}
