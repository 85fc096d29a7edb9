package io.outpost.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real etcd cluster of several members on loopback, each an {@link EtcdProcess} with its own
 * ports and directory, bootstrapped together ({@code --initial-cluster-state new}).
 *
 * <pre>{@code
 * try (EtcdCluster cluster = EtcdCluster.start(tempDir, 3)) {
 *     EtcdProcess leader = cluster.leader();
 *     leader.kill();                        // SIGKILL
 *     EtcdProcess next = cluster.leader();  // waits for the survivors to elect one
 * }
 * }</pre>
 *
 * <p>Thread model: one test thread drives it. Every wait is bounded.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL_EVERY = Duration.ofMillis(50);

    private final List<EtcdProcess> members;

    private EtcdCluster(List<EtcdProcess> members) {
        this.members = List.copyOf(members);
    }

    /** Starts {@code size} members under {@code workDir} and waits until every one is healthy. */
    public static EtcdCluster start(Path workDir, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one member, not " + size);
        }
        String binary = Prerequisites.requireBinary("etcd", "etcd-server");
        for (int attempt = 1; ; attempt++) {
            List<Integer> ports = FreePorts.reserve(2 * size);
            List<EtcdProcess.Spec> specs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                specs.add(new EtcdProcess.Spec("m" + (i + 1) + "-" + ports.get(2 * i),
                        ports.get(2 * i), ports.get(2 * i + 1)));
            }
            String initialCluster = specs.stream()
                    .map(s -> s.name() + "=" + s.peerUrl())
                    .collect(Collectors.joining(","));
            List<EtcdProcess> started = new ArrayList<>();
            try {
                // All at once: a member waits for a quorum of its peers before it is healthy.
                for (EtcdProcess.Spec spec : specs) {
                    started.add(EtcdProcess.launch(binary, spec, initialCluster, "outpost-" + specs.getFirst().name(), workDir));
                }
                for (EtcdProcess member : started) {
                    member.awaitHealthy(EtcdProcess.START_WITHIN);
                }
                return new EtcdCluster(started);
            } catch (EtcdProcess.PortTaken e) {
                started.forEach(EtcdProcess::close);
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            } catch (RuntimeException e) {
                started.forEach(EtcdProcess::close);
                throw e;
            }
        }
    }

    public List<EtcdProcess> members() {
        return members;
    }

    /** The client URLs of every member, the dead ones too (a client must cope with those). */
    public List<URI> clientUrls() {
        return members.stream().map(EtcdProcess::clientUrl).toList();
    }

    /**
     * The current leader: the live member that every live member that answers names as leader.
     * Waits (up to 30 s) while there is none, e.g. during an election after the leader died.
     */
    public EtcdProcess leader() {
        long deadline = System.nanoTime() + EtcdProcess.START_WITHIN.toNanos();
        while (true) {
            Optional<EtcdProcess> leader = agreedLeader();
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the live members of " + members + " agreed on no leader within "
                        + EtcdProcess.START_WITHIN);
            }
            pause();
        }
    }

    private Optional<EtcdProcess> agreedLeader() {
        List<EtcdProcess> live = members.stream().filter(EtcdProcess::isAlive).toList();
        Map<EtcdProcess, EtcdProcess.Status> statuses = new LinkedHashMap<>();
        for (EtcdProcess member : live) {
            member.status().ifPresent(s -> statuses.put(member, s));
        }
        List<String> leaders = statuses.values().stream().map(EtcdProcess.Status::leaderId).distinct().toList();
        if (leaders.size() != 1 || statuses.size() * 2 <= members.size()) {
            return Optional.empty(); // no answer, disagreement mid-election, or no quorum answering
        }
        return statuses.entrySet().stream()
                .filter(e -> e.getValue().memberId().equals(leaders.getFirst()))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_EVERY); // the poll interval of a bounded wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a leader", e);
        }
    }

    /** Stops every member. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (EtcdProcess member : members) {
            try {
                member.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster" + members;
    }
}
