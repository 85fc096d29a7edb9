package io.outpost.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.Watch;

/**
 * Crash safety: a child process ({@link CrashWriter}) writes as fast as it can and is killed with
 * SIGKILL at a random moment, many times over the same file. After each kill the store reopens
 * with every acknowledged write present and byte-exact, and a history with no gap: every revision
 * from 1 to the current one appears exactly once.
 *
 * <p>SIGKILL ends the process, not the machine: it proves we acknowledge only committed
 * transactions and that SQLite recovers its WAL; surviving power loss rests on
 * {@code synchronous = FULL} (an fsync of the WAL at every commit), which this cannot show.
 *
 * <p>Kills: {@code -Doutpost.crash.kills=N} (default 15).
 */
@Tag("system")
class SqliteCrashTest {

    private static final int KILLS = Integer.getInteger("outpost.crash.kills", 15);
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private final Random random = new Random();

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndTheHistoryHasNoGap() throws Exception {
        Path file = dir.resolve("state.db");
        Map<String, Long> acknowledged = new HashMap<>();
        Map<String, Long> counters = new HashMap<>();
        long totalAcks = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            List<String> lines = runAndKill(file, "r" + kill, 50 + random.nextInt(400));
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "C" -> acknowledged.put(f[1], Long.parseLong(f[2]));
                    case "U" -> counters.merge(f[1], Long.parseLong(f[3]), Math::max);
                    case "E" -> throw new AssertionError("a write failed in the child: " + line);
                    default -> throw new AssertionError("unexpected line from the child: " + line);
                }
            }
            totalAcks += lines.size();
            verify(file, acknowledged, counters);
        }
        System.out.printf("crash test: %d SIGKILLs, %d acknowledged writes, all present after reopen%n",
                KILLS, totalAcks);
        assertThat(totalAcks).as("the child acknowledged writes before it was killed").isPositive();
    }

    /** Starts the child, lets it write for {@code millis} after it is ready, kills it; returns its acks. */
    private List<String> runAndKill(Path file, String run, long millis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path ackFile = dir.resolve("acks-" + run);
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                file.toString(), ackFile.toString(), run, Integer.toString(THREADS))
                .redirectError(dir.resolve("child-" + run + ".err").toFile())
                .start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // The pipe breaks when the child dies.
            }
        });
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("the child opened the store (see child-%s.err)", run).isTrue();
        child.waitFor(millis, TimeUnit.MILLISECONDS);
        child.destroyForcibly(); // SIGKILL on Linux
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Each record was written with one write(2): a kill leaves whole lines.
        return Files.readAllLines(ackFile, UTF_8);
    }

    private static void verify(Path file, Map<String, Long> acknowledged, Map<String, Long> counters) throws Exception {
        try (SqliteKvStore store = SqliteKvStore.open(
                SqliteConfig.defaults(file).withCompaction(CompactionPolicy.DISABLED))) {
            long current = store.currentRevision();
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                KeyValue kv = store.get(ack.getKey()).orElseThrow(
                        () -> new AssertionError("acknowledged create lost: " + ack.getKey()));
                assertThat(kv.modRevision()).isEqualTo(ack.getValue());
                assertThat(kv.value()).isEqualTo(CrashWriter.valueOf(ack.getKey()));
            }
            for (Map.Entry<String, Long> c : counters.entrySet()) {
                long stored = Long.parseLong(new String(store.get(c.getKey()).orElseThrow().value(), UTF_8));
                // The last update may have committed after the kill cut its ack: one more is fine.
                assertThat(stored).as(c.getKey()).isBetween(c.getValue(), c.getValue() + 1);
            }
            // The log holds every revision from 1 to the current one exactly once.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(id), MAX(id), COUNT(DISTINCT id) FROM kv")) {
                rs.next();
                assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .containsExactly(current, 1L, current, current);
            }
            // And a watch replays it in order with no gap.
            long expected = 2;
            try (Watch replay = store.watch("/", 1)) {
                while (expected <= current) {
                    List<Event> page = replay.poll(Duration.ofSeconds(10));
                    assertThat(page).as("history up to revision %d", current).isNotEmpty();
                    for (Event e : page) {
                        assertThat(e.revision()).as("the next revision in the log").isEqualTo(expected++);
                    }
                }
            }
            assertThat(store.range(RangeRequest.all("/crash/")).kvs()).hasSizeGreaterThanOrEqualTo(acknowledged.size());
        }
    }
}
