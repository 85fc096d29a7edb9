package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.outpost.tunnel.Frame;

class LocalStoreTest {

    @TempDir
    Path dir;

    @Test
    void aNewerStatusOfThePodReplacesTheWaitingOneLatestWins() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            StatusReports reports = new StatusReports(store, () -> { });
            reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase("Pending").build());
            reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase("Running").build());
            reports.nodeStatus(new NodeStatusBuilder().withPhase("a").build());
            reports.nodeStatus(new NodeStatusBuilder().withPhase("b").build());
            reports.flush();
            assertThat(store.pending()).hasSize(2);
            assertThat(new String(((Frame.PodStatus) store.pending().getFirst()).status())).contains("Running");
            assertThat(new String(((Frame.NodeStatus) store.pending().get(1)).status())).contains("\"b\"");
        }
    }

    @Test
    void eventsAndTerminationsAreNotCoalesced() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            StatusReports reports = new StatusReports(store, () -> { });
            reports.event(new EventBuilder().withReason("Pulled").build());
            reports.event(new EventBuilder().withReason("Started").build());
            reports.podTerminated("ns", "web", "u1");
            reports.podTerminated("ns", "web", "u2");
            reports.flush();
            assertThat(store.pending()).hasSize(4);
        }
    }

    @Test
    void anAckDropsOnlyWhatItCoversAndAReportMadeSinceStays() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            StatusReports reports = new StatusReports(store, () -> { });
            reports.podStatus("ns", "a", "u", new PodStatusBuilder().withPhase("Pending").build());
            reports.flush(); // seq 1
            reports.podStatus("ns", "b", "u", new PodStatusBuilder().withPhase("Pending").build());
            reports.flush(); // seq 2
            reports.podStatus("ns", "a", "u", new PodStatusBuilder().withPhase("Running").build());
            reports.flush(); // seq 3 replaces 1
            reports.acknowledged(2);
            assertThat(reports.ackedUpTo()).isEqualTo(2);
            reports.flush();
            assertThat(store.pending()).extracting(Frame.Report::seq).containsExactly(3L);
        }
    }

    @Test
    void statusesThatWaitForTheDiskAreCoalescedToTheLatestAndEachWriteWakesTheSender() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
            StatusReports reports = new StatusReports(store, wakes::incrementAndGet);
            for (String phase : new String[] {"Pending", "Pending", "Running"}) {
                reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase(phase).build());
            }
            reports.podStatus("ns", "db", "u2", new PodStatusBuilder().withPhase("Pending").build());
            reports.event(new EventBuilder().withReason("Started").build());
            reports.flush();
            assertThat(store.pending()).hasSize(3).extracting(Frame.Report::seq).containsExactly(1L, 2L, 3L);
            assertThat(new String(((Frame.PodStatus) store.pending().getFirst()).status())).contains("Running");
            assertThat(wakes).hasValue(3);
        }
    }

    @Test
    void anAckAppliesToTheStoreOnlyWhenTheWriterRunsAndNeverToALaterReport() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            StatusReports reports = new StatusReports(store, () -> { });
            reports.start();
            reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase("Pending").build());
            reports.close();
            reports.acknowledged(1);
            reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase("Running").build());
            reports.flush();
            assertThat(store.pending()).extracting(Frame.Report::seq).containsExactly(2L);
        }
    }

    @Test
    void waitingReportsTheRevisionAndObjectsSurviveARestart() throws Exception {
        try (LocalStore store = LocalStore.open(dir)) {
            StatusReports reports = new StatusReports(store, () -> { });
            reports.podStatus("ns", "web", "u1", new PodStatusBuilder().withPhase("Running").build());
            reports.close();
            store.setRevision(42);
            store.setRevision(17); // never backwards
            store.putObject(new io.outpost.tunnel.ObjectRef(io.outpost.tunnel.ObjectKind.POD, "ns", "web"), 40, "{}".getBytes());
        }
        try (LocalStore store = LocalStore.open(dir)) {
            assertThat(store.pending()).hasSize(1);
            assertThat(store.revision()).isEqualTo(42);
            assertThat(store.objects()).singleElement().satisfies(s -> assertThat(s.resourceVersion()).isEqualTo(40));
            // Numbering goes on where it stopped, so an old ack never drops a new report.
            StatusReports reports = new StatusReports(store, () -> { });
            reports.nodeStatus(new NodeStatusBuilder().build());
            reports.flush();
            assertThat(store.pending()).extracting(Frame.Report::seq).containsExactly(1L, 2L);
        }
    }
}
