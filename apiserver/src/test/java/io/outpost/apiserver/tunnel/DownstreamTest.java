package io.outpost.apiserver.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.outpost.store.KeyValue;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;

/**
 * The downstream over an in-memory store: what it sends a first time, on a resume, and after
 * compaction. Frames are collected as the session would send them; the failsafe bound on waiting
 * for one only keeps a broken downstream from hanging the test.
 */
class DownstreamTest {

    static final ObjectRef WEB = new ObjectRef(ObjectKind.POD, "ns", "web");
    static final ObjectRef DB = new ObjectRef(ObjectKind.POD, "ns", "db");
    static final ObjectRef CFG = new ObjectRef(ObjectKind.CONFIG_MAP, "ns", "cfg");

    final InMemoryKvStore store = new InMemoryKvStore(Clock.systemUTC());
    final BlockingQueue<Frame> sent = new LinkedBlockingQueue<>();
    final BlockingQueue<Frame.Digest> digests = new LinkedBlockingQueue<>();
    Thread running;

    @AfterEach
    void stop() throws InterruptedException {
        if (running != null) {
            running.interrupt();
            running.join();
        }
        store.close();
    }

    static byte[] pod(String name, String node, String image, boolean withConfigMap) {
        String volumes = withConfigMap ? ",\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"cfg\"}}]" : "";
        return ("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"" + node
                + "\",\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]" + volumes + "}}").getBytes(StandardCharsets.UTF_8);
    }

    KeyValue put(ObjectRef ref, byte[] value) {
        String key = StoreKeys.key(ref);
        return store.get(key).map(kv -> store.update(key, value, kv.modRevision())).orElseGet(() -> store.create(key, value));
    }

    void start(long lastRevision, boolean holds) {
        Downstream downstream = new Downstream(store, "n1", sent::add, digests, Duration.ofMillis(20));
        running = Thread.ofVirtual().start(() -> {
            try {
                downstream.run(lastRevision, holds);
            } catch (Exception e) {
                // interrupted at the end of the test
            }
        });
    }

    /** The frames up to and including the first Synced. */
    List<Frame> untilSynced() throws InterruptedException {
        List<Frame> frames = new ArrayList<>();
        while (true) {
            Frame f = sent.poll(30, TimeUnit.SECONDS);
            assertThat(f).as("a frame before the failsafe bound").isNotNull();
            frames.add(f);
            if (f instanceof Frame.Synced) {
                return frames;
            }
        }
    }

    static List<ObjectRef> changed(List<Frame> frames) {
        return frames.stream().filter(f -> f instanceof Frame.Change c && !c.deletion()).map(f -> ((Frame.Change) f).ref()).toList();
    }

    @Test
    void anAgentWithNothingGetsItsPodsTheirConfigMapAndItsNodeButNoOtherNodesPod() throws Exception {
        put(CFG, "{\"metadata\":{\"name\":\"cfg\",\"namespace\":\"ns\"},\"data\":{}}".getBytes(StandardCharsets.UTF_8));
        put(new ObjectRef(ObjectKind.CONFIG_MAP, "ns", "other"), "{\"metadata\":{\"name\":\"other\"}}".getBytes(StandardCharsets.UTF_8));
        put(WEB, pod("web", "n1", "nginx", true));
        put(DB, pod("db", "n2", "postgres", false));
        put(ObjectRef.node("n1"), "{\"metadata\":{\"name\":\"n1\"}}".getBytes(StandardCharsets.UTF_8));
        put(ObjectRef.node("n2"), "{\"metadata\":{\"name\":\"n2\"}}".getBytes(StandardCharsets.UTF_8));
        start(0, false);
        List<Frame> frames = untilSynced();
        assertThat(changed(frames)).containsExactlyInAnyOrder(WEB, CFG, ObjectRef.node("n1"));
        assertThat(frames).noneMatch(f -> f instanceof Frame.DigestRequest);
    }

    @Test
    void aResumeReplaysOnlyTheNodesChangesSinceItsRevision() throws Exception {
        put(WEB, pod("web", "n1", "nginx:1", false));
        long resumeAt = put(DB, pod("db", "n2", "postgres", false)).modRevision();
        put(WEB, pod("web", "n1", "nginx:2", false));
        put(DB, pod("db", "n2", "postgres:2", false));
        start(resumeAt, true);
        List<Frame> frames = untilSynced();
        assertThat(frames).hasSize(2);
        assertThat(new String(((Frame.Change) frames.getFirst()).body(), StandardCharsets.UTF_8)).contains("nginx:2");
        // And on: a pod bound later arrives, its status-only change is only a Touch.
        KeyValue later = put(new ObjectRef(ObjectKind.POD, "ns", "later"), pod("later", "n1", "busybox", false));
        assertThat(sent.poll(30, TimeUnit.SECONDS)).isEqualTo(new Frame.Change(later.modRevision(),
                new ObjectRef(ObjectKind.POD, "ns", "later"), Downstream.body(tools.jackson.databind.json.JsonMapper.builder().build()
                        .readTree(pod("later", "n1", "busybox", false)))));
        String withStatus = new String(pod("later", "n1", "busybox", false), StandardCharsets.UTF_8)
                .replaceFirst("}$", ",\"status\":{\"phase\":\"Running\"}}");
        KeyValue touched = put(new ObjectRef(ObjectKind.POD, "ns", "later"), withStatus.getBytes(StandardCharsets.UTF_8));
        assertThat(sent.poll(30, TimeUnit.SECONDS)).isEqualTo(new Frame.Touch(touched.modRevision(),
                new ObjectRef(ObjectKind.POD, "ns", "later")));
    }

    @Test
    void aResumeFromACompactedRevisionAsksForTheDigestAndSendsOnlyTheDifference() throws Exception {
        KeyValue web = put(WEB, pod("web", "n1", "nginx:1", false));
        KeyValue db = put(DB, pod("db", "n1", "postgres", false));
        long resumeAt = db.modRevision();
        KeyValue gone = put(new ObjectRef(ObjectKind.POD, "ns", "gone"), pod("gone", "n1", "x", false));
        store.delete(gone.key());
        KeyValue dbNow = put(DB, pod("db", "n1", "postgres:2", false));
        store.compact(store.currentRevision());
        start(resumeAt, true);
        assertThat(sent.poll(30, TimeUnit.SECONDS)).isInstanceOf(Frame.DigestRequest.class);
        digests.add(new Frame.Digest(List.of(new Frame.Held(WEB, web.modRevision()), new Frame.Held(DB, db.modRevision()),
                new Frame.Held(new ObjectRef(ObjectKind.POD, "ns", "gone"), gone.modRevision()))));
        List<Frame> frames = untilSynced();
        assertThat(changed(frames)).containsExactly(DB);
        assertThat(frames).contains(Frame.Change.delete(store.currentRevision(), new ObjectRef(ObjectKind.POD, "ns", "gone")));
        assertThat(frames).filteredOn(f -> f instanceof Frame.Change c && c.ref().equals(DB))
                .singleElement().extracting(f -> ((Frame.Change) f).revision()).isEqualTo(dbNow.modRevision());
        assertThat(frames).hasSize(3);
    }
}
