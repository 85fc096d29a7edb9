package io.outpost.tunnel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the agent sends a heartbeat and when it gives a silent connection up. The agent sends a
 * {@link Frame.Heartbeat} every {@code interval} (kubelet renews its lease every 10 s, and the
 * server renews the node's Lease on each heartbeat) and the server answers each one; a
 * connection from which nothing at all has been heard for {@code timeout} is dead even if TCP
 * has not noticed (a NAT that dropped the mapping, a half-open link), so the agent closes it and
 * dials again.
 *
 * <p>Thread model: not thread-safe; the agent's connection loop calls it with its clock.
 */
public final class Liveness {

    /** What the connection loop should do now. */
    public enum Action { WAIT, SEND_HEARTBEAT, RECONNECT }

    private final Clock clock;
    private final Duration interval;
    private final Duration timeout;
    private Instant lastHeard;
    private Instant lastSent;

    /** Starts counting from now, as a new connection is opened. */
    public Liveness(Clock clock, Duration interval, Duration timeout) {
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("the silence timeout " + timeout + " must exceed the heartbeat interval " + interval);
        }
        this.clock = clock;
        this.interval = interval;
        this.timeout = timeout;
        this.lastHeard = clock.instant();
        this.lastSent = lastHeard;
    }

    /** Any frame arrived from the server. */
    public void heard() {
        lastHeard = clock.instant();
    }

    /** A heartbeat was sent. */
    public void sent() {
        lastSent = clock.instant();
    }

    public Action action() {
        Instant now = clock.instant();
        if (!now.isBefore(lastHeard.plus(timeout))) {
            return Action.RECONNECT;
        }
        return !now.isBefore(lastSent.plus(interval)) ? Action.SEND_HEARTBEAT : Action.WAIT;
    }

    /** How long until {@link #action} may answer something other than WAIT. */
    public Duration untilNextAction() {
        Instant now = clock.instant();
        Instant next = lastSent.plus(interval);
        Instant dead = lastHeard.plus(timeout);
        Instant first = next.isBefore(dead) ? next : dead;
        return now.isBefore(first) ? Duration.between(now, first) : Duration.ZERO;
    }
}
