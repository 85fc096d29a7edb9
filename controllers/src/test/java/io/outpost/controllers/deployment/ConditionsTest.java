package io.outpost.controllers.deployment;

import static io.outpost.controllers.deployment.ReplicasTest.rolling;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.outpost.testing.FakeClock;

class ConditionsTest {

    private final FakeClock clock = new FakeClock();

    private static Deployment withDeadline(Deployment d, int seconds) {
        return new DeploymentBuilder(d).editSpec().withProgressDeadlineSeconds(seconds).endSpec().build();
    }

    @Test
    void aDeploymentWithEveryReplicaUpdatedAndAvailableIsCompleteAndSaysSo() {
        Deployment d = withDeadline(rolling(2, 1, 0), 600);
        ReplicaSet newRS = ReplicasTest.rs("web-abc", 2, 2, "2026-01-01T00:00:00Z");
        DeploymentStatus s = Conditions.rolloutStatus(List.of(newRS), newRS, d, clock.instant());
        assertThat(Conditions.complete(d, s)).isTrue();
        assertThat(Conditions.get(s, Conditions.PROGRESSING).getReason()).isEqualTo(Conditions.NEW_RS_AVAILABLE);
        assertThat(Conditions.get(s, Conditions.AVAILABLE).getStatus()).isEqualTo("True");
        assertThat(s.getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void tooFewAvailableReplicasMakeTheDeploymentUnavailable() {
        Deployment d = rolling(4, 1, 1);
        ReplicaSet newRS = ReplicasTest.rs("web-abc", 4, 2, "2026-01-01T00:00:00Z");
        DeploymentStatus s = Conditions.calculate(List.of(newRS), newRS, d, clock.instant());
        assertThat(Conditions.get(s, Conditions.AVAILABLE).getReason()).isEqualTo("MinimumReplicasUnavailable");
        assertThat(s.getUnavailableReplicas()).isEqualTo(2);
    }

    @Test
    void aRolloutWithoutProgressPastItsDeadlineTimesOut() {
        Deployment d = withDeadline(rolling(2, 1, 0), 60);
        ReplicaSet stuck = ReplicasTest.rs("web-abc", 2, 0, "2026-01-01T00:00:00Z");
        DeploymentStatus first = Conditions.rolloutStatus(List.of(stuck), stuck, d, clock.instant());
        assertThat(Conditions.get(first, Conditions.PROGRESSING).getReason()).isEqualTo(Conditions.RS_UPDATED);
        d.setStatus(first);

        clock.advance(Duration.ofSeconds(60));
        DeploymentStatus atDeadline = Conditions.rolloutStatus(List.of(stuck), stuck, d, clock.instant());
        assertThat(Conditions.get(atDeadline, Conditions.PROGRESSING).getReason()).isEqualTo(Conditions.RS_UPDATED);

        clock.advance(Duration.ofSeconds(1));
        DeploymentStatus late = Conditions.rolloutStatus(List.of(stuck), stuck, d, clock.instant());
        assertThat(Conditions.get(late, Conditions.PROGRESSING).getReason()).isEqualTo(Conditions.TIMED_OUT);
        assertThat(Conditions.get(late, Conditions.PROGRESSING).getStatus()).isEqualTo("False");
    }

    @Test
    void settingAConditionWithTheSameStatusKeepsItsTransitionTime() {
        DeploymentStatus s = new DeploymentStatus();
        Instant t0 = clock.instant();
        Conditions.set(s, Conditions.condition(Conditions.PROGRESSING, "True", Conditions.RS_UPDATED, "a", t0));
        Conditions.set(s, Conditions.condition(Conditions.PROGRESSING, "True", Conditions.NEW_RS_AVAILABLE, "b",
                t0.plusSeconds(30)));
        assertThat(s.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo(Conditions.NEW_RS_AVAILABLE);
            assertThat(c.getLastTransitionTime()).isEqualTo(Conditions.time(t0));
            assertThat(c.getLastUpdateTime()).isEqualTo(Conditions.time(t0.plusSeconds(30)));
        });
    }
}
