package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodConvertorTest {

    static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
    static final String META = "'metadata':{'name':'web-1','creationTimestamp':'2026-01-01T00:55:00Z'%s}";

    record Case(String name, String extraMeta, String spec, String status, List<Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String one = "{'containers':[{'name':'app'}]}";
        String two = "{'containers':[{'name':'app'},{'name':'log'}]}";
        return Stream.of(
                new Case("A pending pod without container statuses is 0/1 Pending", "", one,
                        "{'phase':'Pending'}", List.of("web-1", "0/1", "Pending", "0", "5m")),
                new Case("A running pod with a ready running container is 1/1 Running", "", one,
                        "{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],'containerStatuses':"
                                + "[{'name':'app','ready':true,'restartCount':0,'state':{'running':{}}}]}",
                        List.of("web-1", "1/1", "Running", "0", "5m")),
                new Case("A pod with one of two containers ready is 1/2", "", two,
                        "{'phase':'Running','containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}},"
                                + "{'name':'log','ready':false,'state':{'running':{}}}]}",
                        List.of("web-1", "1/2", "Running", "0", "5m")),
                new Case("A crash-looping container's waiting reason is the status, restarts say when", "", one,
                        "{'phase':'Running','containerStatuses':[{'name':'app','ready':false,'restartCount':5,"
                                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
                                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2026-01-01T00:57:00Z'}}}]}",
                        List.of("web-1", "0/1", "CrashLoopBackOff", "5 (3m ago)", "5m")),
                new Case("A container that exited without a reason shows its exit code", "", one,
                        "{'phase':'Running','containerStatuses':[{'name':'app','state':{'terminated':{'exitCode':137}}}]}",
                        List.of("web-1", "0/1", "ExitCode:137", "0", "5m")),
                new Case("A pod being deleted is Terminating", ",'deletionTimestamp':'2026-01-01T00:59:00Z'", one,
                        "{'phase':'Running','containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}}]}",
                        List.of("web-1", "1/1", "Terminating", "0", "5m")),
                new Case("A succeeded pod being deleted stays Completed", ",'deletionTimestamp':'2026-01-01T00:59:00Z'",
                        one, "{'phase':'Succeeded','containerStatuses':[{'name':'app','state':{'terminated':"
                                + "{'exitCode':0,'reason':'Completed'}}}]}",
                        List.of("web-1", "0/1", "Completed", "0", "5m")),
                new Case("A pod evicted with a reason shows the reason", "", one,
                        "{'phase':'Failed','reason':'Evicted'}", List.of("web-1", "0/1", "Evicted", "0", "5m")),
                new Case("A pod waiting on its first init container is Init:0/2", "",
                        "{'initContainers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'app'}]}",
                        "{'phase':'Pending','initContainerStatuses':[{'name':'a','state':{'running':{}}},"
                                + "{'name':'b','state':{'waiting':{'reason':'PodInitializing'}}}]}",
                        List.of("web-1", "0/1", "Init:0/2", "0", "5m")),
                new Case("A crash-looping init container is Init:CrashLoopBackOff", "",
                        "{'initContainers':[{'name':'a'}],'containers':[{'name':'app'}]}",
                        "{'phase':'Pending','initContainerStatuses':[{'name':'a','restartCount':2,"
                                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}",
                        List.of("web-1", "0/1", "Init:CrashLoopBackOff", "2", "5m")),
                new Case("A started sidecar counts towards READY and the total", "",
                        "{'initContainers':[{'name':'proxy','restartPolicy':'Always'}],'containers':[{'name':'app'}]}",
                        "{'phase':'Running','conditions':[{'type':'Initialized','status':'True'}],"
                                + "'initContainerStatuses':[{'name':'proxy','started':true,'ready':true,"
                                + "'state':{'running':{}}}],"
                                + "'containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}}]}",
                        List.of("web-1", "2/2", "Running", "0", "5m")),
                new Case("A scheduling-gated pod says SchedulingGated", "", one,
                        "{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
                                + "'reason':'SchedulingGated'}]}",
                        List.of("web-1", "0/1", "SchedulingGated", "0", "5m")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsTheNarrowColumnsAsKubectl(Case c) {
        Row row = new PodConvertor().row(pod(c.extraMeta(), c.spec(), c.status()), NOW);

        assertThat(row.cells().subList(0, 5)).isEqualTo(c.expected());
    }

    @Test
    void aCompletedPodCarriesTheCompletedRowCondition() {
        Row row = new PodConvertor().row(pod("", "{'containers':[{'name':'app'}]}", "{'phase':'Succeeded'}"), NOW);

        assertThat(row.conditions()).containsExactly(
                new Row.RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."));
    }

    @Test
    void theWideColumnsShowIpNodeNominatedNodeAndReadinessGates() {
        Row row = new PodConvertor().row(pod("",
                "{'nodeName':'edge-1','readinessGates':[{'conditionType':'x'},{'conditionType':'y'}],"
                        + "'containers':[{'name':'app'}]}",
                "{'phase':'Running','podIPs':[{'ip':'10.244.0.7'}],"
                        + "'conditions':[{'type':'x','status':'True'},{'type':'y','status':'False'}]}"), NOW);

        assertThat(row.cells().subList(5, 9)).containsExactly("10.244.0.7", "edge-1", "<none>", "1/2");
        assertThat(row.conditions()).isEmpty();
    }

    @Test
    void aPodWithoutIpOrNodePrintsNone() {
        Row row = new PodConvertor().row(pod("", "{'containers':[{'name':'app'}]}", "{'phase':'Pending'}"), NOW);

        assertThat(row.cells().subList(5, 9)).containsExactly("<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void thereAreNineColumnsFourOfThemWide() {
        assertThat(new PodConvertor().columns()).extracting(Column::name).containsExactly("Name", "Ready", "Status",
                "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates");
        assertThat(new PodConvertor().columns()).extracting(Column::priority).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1);
    }

    static tools.jackson.databind.node.ObjectNode pod(String extraMeta, String spec, String status) {
        return Json.object("{" + META.formatted(extraMeta) + ",'spec':" + spec + ",'status':" + status + "}");
    }
}
