package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAndServiceConvertorTest {

    static final Instant NOW = Instant.parse("2026-01-03T00:00:00Z");

    record Case(String name, String json, List<Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> nodes() {
        String info = "'nodeInfo':{'kubeletVersion':'v1.33.1','osImage':'Debian','kernelVersion':'6.1',"
                + "'containerRuntimeVersion':'containerd://2.0'}";
        return Stream.of(
                new Case("A node with a true Ready condition is Ready", "{'metadata':{'name':'edge-1',"
                        + "'creationTimestamp':'2026-01-01T00:00:00Z'},'status':{'conditions':[{'type':'Ready',"
                        + "'status':'True'}],'addresses':[{'type':'InternalIP','address':'10.0.0.5'}]," + info + "}}",
                        List.of("edge-1", "Ready", "<none>", "2d", "v1.33.1", "10.0.0.5", "<none>", "Debian", "6.1",
                                "containerd://2.0")),
                new Case("A node whose Ready condition is Unknown is NotReady", "{'metadata':{'name':'edge-2'},"
                        + "'status':{'conditions':[{'type':'Ready','status':'Unknown'}]}}",
                        List.of("edge-2", "NotReady", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                                "<unknown>", "<unknown>")),
                new Case("A node without a Ready condition is Unknown", "{'metadata':{'name':'edge-3'},'status':{}}",
                        List.of("edge-3", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                                "<unknown>", "<unknown>")),
                new Case("A cordoned ready node is Ready,SchedulingDisabled", "{'metadata':{'name':'edge-4'},"
                        + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
                        List.of("edge-4", "Ready,SchedulingDisabled", "<none>", "<unknown>", "", "<none>", "<none>",
                                "<unknown>", "<unknown>", "<unknown>")),
                new Case("Roles come from node-role label keys and the kubernetes.io/role value, sorted",
                        "{'metadata':{'name':'cp','labels':{'node-role.kubernetes.io/control-plane':'',"
                                + "'node-role.kubernetes.io/':'','kubernetes.io/role':'edge','other':'x'}},"
                                + "'status':{'addresses':[{'type':'ExternalIP','address':'1.2.3.4'}]}}",
                        List.of("cp", "Unknown", "control-plane,edge", "<unknown>", "", "<none>", "1.2.3.4",
                                "<unknown>", "<unknown>", "<unknown>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodes")
    void printsNodesAsKubectl(Case c) {
        assertThat(new NodeConvertor().row(Json.object(c.json()), NOW).cells()).isEqualTo(c.expected());
    }

    static Stream<Case> services() {
        String meta = "'metadata':{'name':'web','creationTimestamp':'2026-01-02T21:00:00Z'}";
        return Stream.of(
                new Case("A ClusterIP service lists its ports and selector", "{" + meta + ",'spec':{'type':'ClusterIP',"
                        + "'clusterIPs':['10.43.0.10'],'ports':[{'port':80,'protocol':'TCP'},{'port':53,"
                        + "'protocol':'UDP'}],'selector':{'app':'web','tier':'fe'}}}",
                        List.of("web", "ClusterIP", "10.43.0.10", "<none>", "80/TCP,53/UDP", "3h", "app=web,tier=fe")),
                new Case("A NodePort shows port:nodePort/protocol", "{" + meta + ",'spec':{'type':'NodePort',"
                        + "'clusterIPs':['10.43.0.11'],'ports':[{'port':80,'protocol':'TCP'},{'port':443,"
                        + "'nodePort':30443,'protocol':'TCP'}],'externalIPs':['192.168.1.9']}}",
                        List.of("web", "NodePort", "10.43.0.11", "192.168.1.9", "80/TCP,443:30443/TCP", "3h", "<none>")),
                new Case("A LoadBalancer without ingress is pending", "{" + meta + ",'spec':{'type':'LoadBalancer',"
                        + "'clusterIPs':['10.43.0.12'],'ports':[{'port':80,'nodePort':31000,'protocol':'TCP'}]}}",
                        List.of("web", "LoadBalancer", "10.43.0.12", "<pending>", "80:31000/TCP", "3h", "<none>")),
                new Case("A LoadBalancer lists sorted ingress then external IPs, unclipped", "{" + meta
                        + ",'spec':{'type':'LoadBalancer','clusterIPs':['10.43.0.12'],'externalIPs':['9.9.9.9']},"
                        + "'status':{'loadBalancer':{'ingress':[{'ip':'5.6.7.8'},{'hostname':'lb.example.com'}]}}}",
                        List.of("web", "LoadBalancer", "10.43.0.12", "5.6.7.8,lb.example.com,9.9.9.9", "<none>", "3h",
                                "<none>")),
                new Case("A headless ExternalName service shows its name and no cluster IP", "{" + meta
                        + ",'spec':{'type':'ExternalName','externalName':'db.example.com'}}",
                        List.of("web", "ExternalName", "<none>", "db.example.com", "<none>", "3h", "<none>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void printsServicesAsKubectl(Case c) {
        assertThat(new ServiceConvertor().row(Json.object(c.json()), NOW).cells()).isEqualTo(c.expected());
    }
}
