package io.outpost.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

class FrameCodecTest {

    static final byte[] POD = ("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7","namespace":"default","uid":"0c6b4d8e-5f0e-4c1b-9d59-2b1f0a6c3e11",\
            "creationTimestamp":"2026-11-25T16:00:00Z","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27",\
            "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],\
            "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default",\
            "nodeName":"edge-1","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready",\
            "operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists",\
            "effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},\
            "status":{"phase":"Pending","qosClass":"BestEffort"}}""").getBytes(StandardCharsets.UTF_8);

    record Case(String name, Frame frame) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> everyFrame() {
        ObjectRef pod = new ObjectRef(ObjectKind.POD, "default", "web-7");
        return Stream.of(
                new Case("A hello carries the version and the last revision", new Frame.Hello(1, 123_456_789_012L, 100)),
                new Case("A digest request carries the compact revision", new Frame.DigestRequest(99)),
                new Case("A digest lists every held object with its version", new Frame.Digest(List.of(
                        new Frame.Held(ObjectRef.node("edge-1"), 5), new Frame.Held(pod, 17),
                        new Frame.Held(new ObjectRef(ObjectKind.SECRET, "kube-system", "pull"), 3)))),
                new Case("An empty digest is an agent that holds nothing", new Frame.Digest(List.of())),
                new Case("A change carries a pod's JSON", new Frame.Change(42, pod, POD)),
                new Case("A change with no body is a deletion", Frame.Change.delete(43, pod)),
                new Case("A change of the node", new Frame.Change(44, ObjectRef.node("edge-1"), "{}".getBytes(StandardCharsets.UTF_8))),
                new Case("A touch carries a revision and a ref, no body", new Frame.Touch(45, pod)),
                new Case("A service-account token carries its pod, audience, lifetime and expiry",
                        new Frame.ServiceAccountToken("apps", "web-0", "uid-1", "", 3607, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", 1_800_000_000L)),
                new Case("Synced carries a revision", new Frame.Synced(45)),
                new Case("An ack carries a revision", new Frame.Ack(46)),
                new Case("A heartbeat carries nothing", new Frame.Heartbeat()),
                new Case("A heartbeat answer carries the progress", new Frame.HeartbeatAck(0)),
                new Case("A report ack carries a sequence number", new Frame.ReportAck(7)),
                new Case("A refusal carries its reason", new Frame.Refused("no Hello within PT1M — try again")),
                new Case("A pod status names the pod and its uid", new Frame.PodStatus(8, "default", "web-7", "uid-1",
                        "{\"phase\":\"Running\"}".getBytes(StandardCharsets.UTF_8))),
                new Case("A terminated pod names the pod and its uid", new Frame.PodTerminated(9, "default", "web-7", "uid-1")),
                new Case("A node status carries its JSON", new Frame.NodeStatus(10, POD)),
                new Case("An event carries its JSON", new Frame.EventReport(11, "{\"reason\":\"Started\"}".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @MethodSource("everyFrame")
    void decodesWhatItEncodes(Case c) {
        assertThat(FrameCodec.decode(FrameCodec.encode(c.frame()))).isEqualTo(c.frame());
    }

    @Test
    void aHeartbeatIsOneByteAndItsAnswerAFew() {
        assertThat(FrameCodec.encode(new Frame.Heartbeat())).hasSize(1);
        assertThat(FrameCodec.encode(new Frame.HeartbeatAck(1_000_000))).hasSize(4);
    }

    @Test
    void aPodIsDeflatedWithTheDictionaryToAFractionOfItsSize() {
        byte[] frame = FrameCodec.encode(new Frame.Change(42, new ObjectRef(ObjectKind.POD, "default", "web-7"), POD));
        assertThat(frame.length).as("a %d-byte pod", POD.length).isLessThan(POD.length / 3);
    }

    @Test
    void aSmallBodyIsSentAsItIs() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] frame = FrameCodec.encode(new Frame.EventReport(1, body));
        assertThat(frame).endsWith(body);
    }


    @Test
    void malformedFramesAreRefusedNeverMisread() {
        byte[] change = FrameCodec.encode(new Frame.Change(42, new ObjectRef(ObjectKind.POD, "default", "web-7"), POD));
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]); // no tag
        bad.add(new byte[] {(byte) 200}); // unknown tag
        bad.add(Arrays.copyOf(change, change.length - 1)); // truncated
        bad.add(Arrays.copyOf(change, change.length + 1)); // trailing byte
        bad.add(new byte[] {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}); // a varint past 64 bits
        bad.add(new byte[] {4, 1, 9, 1, 'n'}); // an unknown object kind
        bad.add(new byte[] {19, 1, 3, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}); // a deflated blob announcing > 16 MiB
        bad.add(new byte[] {19, 1, 5, 4, 1, 2}); // a deflated blob that is no DEFLATE
        for (byte[] b : bad) {
            assertThatThrownBy(() -> FrameCodec.decode(b)).as(Arrays.toString(b)).isInstanceOf(FrameCodec.MalformedFrame.class);
        }
    }

    @Test
    void anyChangeRoundTrips() {
        // Kubernetes strings are valid Unicode: no lone surrogates (UTF-8 cannot carry them).
        Gen<String> names = SourceDSL.strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(1, 40);
        Gen<byte[]> bodies = SourceDSL.lists().of(SourceDSL.integers().between(0, 255)).ofSizeBetween(0, 600)
                .map(l -> {
                    byte[] b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) (int) l.get(i);
                    }
                    return b;
                });
        Gen<byte[]> jsonish = SourceDSL.integers().between(0, 50).map(n -> ("{\"data\":{" + "\"k\":\"v\",".repeat(n) + "\"z\":\"y\"}}")
                .getBytes(StandardCharsets.UTF_8));
        qt().forAll(SourceDSL.longs().between(0, Long.MAX_VALUE), names, names, bodies.mix(jsonish, 50))
                .checkAssert((revision, ns, name, body) -> {
                    Frame frame = new Frame.Change(revision, new ObjectRef(ObjectKind.CONFIG_MAP, ns, name), body);
                    assertThat(FrameCodec.decode(FrameCodec.encode(frame))).isEqualTo(frame);
                });
    }

    @Test
    void anyReportRoundTrips() {
        Gen<String> text = SourceDSL.strings().betweenCodePoints(0, 0xD7FF).ofLengthBetween(0, 30);
        qt().forAll(SourceDSL.longs().between(0, Long.MAX_VALUE), text, text, text)
                .checkAssert((seq, ns, name, uid) -> {
                    Frame a = new Frame.PodStatus(seq, ns, name, uid, uid.getBytes(StandardCharsets.UTF_8));
                    Frame b = new Frame.PodTerminated(seq, ns, name, uid);
                    assertThat(FrameCodec.decode(FrameCodec.encode(a))).isEqualTo(a);
                    assertThat(FrameCodec.decode(FrameCodec.encode(b))).isEqualTo(b);
                });
    }
}
