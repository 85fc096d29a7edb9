package io.outpost.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.outpost.testing.FakeClock;

class LeaderElectorTest {

    /** A Lease in memory with compare-and-set on a counter, as the API server's resourceVersion. */
    static class MemoryLock implements LeaseLock {
        LeaderRecord stored;
        int version;
        boolean failing;

        @Override
        public Optional<LeaderRecord> get() {
            check();
            return Optional.ofNullable(stored);
        }

        @Override
        public boolean create(LeaderRecord record) {
            check();
            if (stored != null) {
                return false;
            }
            stored = withVersion(record);
            return true;
        }

        @Override
        public boolean update(LeaderRecord record) {
            check();
            if (stored == null || !stored.resourceVersion().equals(record.resourceVersion())) {
                return false;
            }
            stored = withVersion(record);
            return true;
        }

        private void check() {
            if (failing) {
                throw new IllegalStateException("the API server is unreachable");
            }
        }

        private LeaderRecord withVersion(LeaderRecord r) {
            return new LeaderRecord(r.holderIdentity(), r.leaseDuration(), r.acquireTime(), r.renewTime(),
                    r.leaseTransitions(), Integer.toString(++version));
        }

        @Override
        public String describe() {
            return "memory";
        }
    }

    static final class Recorder implements LeaderElector.Callbacks {
        final List<String> calls = new ArrayList<>();

        @Override
        public void startedLeading() {
            calls.add("started");
        }

        @Override
        public void stoppedLeading() {
            calls.add("stopped");
        }
    }

    private final FakeClock clockA = new FakeClock();
    private final FakeClock clockB = new FakeClock();
    private final MemoryLock lock = new MemoryLock();
    private final Recorder a = new Recorder();
    private final Recorder b = new Recorder();
    private final LeaderElector electorA = new LeaderElector(LeaderElector.Config.defaults(lock, "a", clockA), a);
    private final LeaderElector electorB = new LeaderElector(LeaderElector.Config.defaults(lock, "b", clockB), b);

    private void advanceBoth(Duration d) {
        clockA.advance(d);
        clockB.advance(d);
    }

    @Test
    void theFirstCandidateCreatesTheLeaseAndLeads() {
        assertThat(electorA.step()).isTrue();
        assertThat(a.calls).containsExactly("started");
        assertThat(lock.stored.holderIdentity()).isEqualTo("a");
        assertThat(lock.stored.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void anotherCandidateWaitsWhileTheLeaderRenews() {
        electorA.step();
        for (int i = 0; i < 20; i++) {
            advanceBoth(Duration.ofSeconds(2));
            assertThat(electorA.step()).isTrue();
            assertThat(electorB.step()).isFalse();
        }
        assertThat(b.calls).isEmpty();
        assertThat(electorB.observedHolder()).isEqualTo("a");
        assertThat(lock.stored.leaseTransitions()).isZero();
    }

    @Test
    void aCandidateTakesOverOnlyAfterTheLeaseWentUnrenewedForItsDurationOnItsOwnClock() {
        electorA.step();
        electorB.step(); // b observes a's record now
        advanceBoth(Duration.ofSeconds(14));
        assertThat(electorB.step()).as("14 s since b saw a change").isFalse();
        advanceBoth(Duration.ofSeconds(1));
        assertThat(electorB.step()).isTrue();
        assertThat(b.calls).containsExactly("started");
        assertThat(lock.stored.holderIdentity()).isEqualTo("b");
        assertThat(lock.stored.leaseTransitions()).isEqualTo(1);
    }

    @Test
    void aLeaderThatCannotRenewForTheRenewDeadlineStopsLeading() {
        electorA.step();
        lock.failing = true;
        clockA.advance(Duration.ofSeconds(9));
        assertThat(electorA.step()).isTrue();
        clockA.advance(Duration.ofSeconds(1));
        assertThat(electorA.step()).isFalse();
        assertThat(a.calls).containsExactly("started", "stopped");
    }

    @Test
    void aLeaderThatReleasesLetsAnotherTakeOverAtOnce() {
        electorA.step();
        electorB.step();
        electorA.close();
        assertThat(a.calls).containsExactly("started", "stopped");
        assertThat(lock.stored.holderIdentity()).isEmpty();
        assertThat(electorB.step()).isTrue();
        assertThat(lock.stored.holderIdentity()).isEqualTo("b");
    }

    @Test
    void aLostRaceToCreateTheLeaseIsNotLeadership() {
        electorB.step();
        LeaderElector late = new LeaderElector(LeaderElector.Config.defaults(new MemoryLock() {
            @Override
            public Optional<LeaderRecord> get() {
                return Optional.empty(); // read before b created it
            }

            @Override
            public boolean create(LeaderRecord record) {
                return false;
            }
        }, "a", clockA), a);
        assertThat(late.step()).isFalse();
        assertThat(a.calls).isEmpty();
    }
}
