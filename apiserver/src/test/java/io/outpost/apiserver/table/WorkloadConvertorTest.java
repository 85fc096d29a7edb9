package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorkloadConvertorTest {

    static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
    static final String META = "'metadata':{'name':'w','creationTimestamp':'2026-01-01T00:00:00Z'}";
    static final String TEMPLATE = "'template':{'spec':{'containers':[{'name':'app','image':'nginx:1'},"
            + "{'name':'log','image':'busybox'}]}}";

    record Case(String name, TableConvertor convertor, String json, List<Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A deployment shows ready/desired, counts, containers, images and selector",
                        AppsConvertors.DEPLOYMENTS, "{" + META + ",'spec':{'replicas':3,'selector':{'matchLabels':"
                                + "{'app':'web'},'matchExpressions':[{'key':'env','operator':'In','values':['prod','dev']}]},"
                                + TEMPLATE + "},'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}",
                        List.of("w", "2/3", 3L, 2L, "60m", "app,log", "nginx:1,busybox", "app=web,env in (dev,prod)")),
                new Case("A new deployment without status is 0/n with an empty selector string",
                        AppsConvertors.DEPLOYMENTS, "{" + META + ",'spec':{'replicas':1}}",
                        List.of("w", "0/1", 0L, 0L, "60m", "", "", "")),
                new Case("A replica set prints integers and <none> for an empty selector", AppsConvertors.REPLICA_SETS,
                        "{" + META + ",'spec':{'replicas':2," + TEMPLATE + "},'status':{'replicas':2,'readyReplicas':1}}",
                        List.of("w", 2L, 2L, 1L, "60m", "app,log", "nginx:1,busybox", "<none>")),
                new Case("A stateful set shows ready/desired", AppsConvertors.STATEFUL_SETS,
                        "{" + META + ",'spec':{'replicas':3," + TEMPLATE + "},'status':{'readyReplicas':3}}",
                        List.of("w", "3/3", "60m", "app,log", "nginx:1,busybox")),
                new Case("A controller revision shows its controller as kind.group/name and its number",
                        AppsConvertors.CONTROLLER_REVISIONS, "{'metadata':{'name':'w','creationTimestamp':'2026-01-01T00:00:00Z',"
                                + "'ownerReferences':[{'apiVersion':'apps/v1','kind':'DaemonSet','name':'agent','uid':'u',"
                                + "'controller':true}]},'data':{},'revision':3}",
                        List.of("w", "daemonset.apps/agent", 3L, "60m")),
                new Case("A controller revision without a controller shows <none>", AppsConvertors.CONTROLLER_REVISIONS,
                        "{" + META + ",'data':{},'revision':1}", List.of("w", "<none>", 1L, "60m")),
                new Case("A complete job shows succeeded/completions and its run time", BatchConvertors.JOBS,
                        "{" + META + ",'spec':{'completions':1," + TEMPLATE + ",'selector':{'matchLabels':{'job':'w'}}},"
                                + "'status':{'succeeded':1,'startTime':'2026-01-01T00:00:00Z',"
                                + "'completionTime':'2026-01-01T00:00:42Z','conditions':[{'type':'Complete','status':'True'}]}}",
                        List.of("w", "Complete", "1/1", "42s", "60m", "app,log", "nginx:1,busybox", "job=w")),
                new Case("A running work-queue job shows 'of parallelism' and runs until now", BatchConvertors.JOBS,
                        "{" + META + ",'spec':{'parallelism':3},'status':{'succeeded':1,"
                                + "'startTime':'2026-01-01T00:57:00Z'}}",
                        List.of("w", "Running", "1/1 of 3", "3m", "60m", "", "", "<none>")),
                new Case("A failed job is Failed even when a later condition is true", BatchConvertors.JOBS,
                        "{" + META + ",'spec':{'completions':2},'status':{'conditions':[{'type':'Failed','status':'True'},"
                                + "{'type':'Suspended','status':'True'}]}}",
                        List.of("w", "Failed", "0/2", "", "60m", "", "", "<none>")),
                new Case("A suspended job not yet started has no duration", BatchConvertors.JOBS,
                        "{" + META + ",'spec':{'completions':1},'status':{'conditions':[{'type':'Suspended',"
                                + "'status':'True'}]}}",
                        List.of("w", "Suspended", "0/1", "", "60m", "", "", "<none>")),
                new Case("A priority class shows its value, whether it is the default, and its policy",
                        OtherConvertors.PRIORITY_CLASSES, "{" + META + ",'value':1000,'globalDefault':true,"
                                + "'preemptionPolicy':'Never'}", List.of("w", 1000L, true, "60m", "Never")),
                new Case("A namespace shows its phase", CoreConvertors.NAMESPACES,
                        "{" + META + ",'status':{'phase':'Active'}}", List.of("w", "Active", "60m")),
                new Case("A config map counts data and binaryData keys", CoreConvertors.CONFIG_MAPS,
                        "{" + META + ",'data':{'a':'1','b':'2'},'binaryData':{'c':'AA=='}}", List.of("w", 3L, "60m")),
                new Case("Endpoints list ip:port, the first three, then how many more", CoreConvertors.ENDPOINTS,
                        "{" + META + ",'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'},{'ip':'fd00::3'},"
                                + "{'ip':'10.0.0.4'}],'ports':[{'port':80}]}]}",
                        List.of("w", "10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 1 more...", "60m")),
                new Case("A role binding shows Kind/name and subjects by kind", OtherConvertors.ROLE_BINDINGS,
                        "{" + META + ",'roleRef':{'kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User',"
                                + "'name':'ann'},{'kind':'ServiceAccount','namespace':'ns','name':'bot'}]}",
                        List.of("w", "ClusterRole/view", "60m", "ann", "", "ns/bot")),
                new Case("A role has no printer: NAME and CREATED AT in RFC 3339", DefaultConvertor.INSTANCE,
                        "{" + META + "}", List.of("w", "2026-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsAsKubectl(Case c) {
        assertThat(c.convertor().row(Json.object(c.json()), NOW).cells()).isEqualTo(c.expected());
        assertThat(c.convertor().columns()).hasSize(c.expected().size());
    }
}
