package io.outpost.controllers.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * What the controller last saw of a node's signs of life, as kube's {@code nodeHealthData}: the
 * Ready condition's {@code lastHeartbeatTime} and the node Lease's {@code renewTime}, and when
 * (on the controller's own clock) either last changed. Health is judged on that local
 * {@code probeTime}, never by comparing the node's timestamps with our clock: an edge device's
 * clock may be far off, and kube's {@code tryUpdateNodeHealth} ignores it for the same reason.
 *
 * @param probeTime      when, by the controller's clock, a sign of life was last seen to change
 * @param heartbeat      the Ready condition's lastHeartbeatTime as last seen (null if none)
 * @param leaseRenewTime the Lease's renewTime as last seen (null if no Lease)
 */
record NodeHealth(Instant probeTime, String heartbeat, Instant leaseRenewTime) {

    /**
     * The health after looking at {@code node} and its {@code lease} at {@code now}: a node seen
     * for the first time gets a full grace period from now (kube: "Missing timestamp for Node;
     * assuming now"); a changed heartbeat or a newer lease renewal moves the probe time to now.
     */
    static NodeHealth observe(NodeHealth previous, Node node, Lease lease, Instant now) {
        String heartbeat = ready(node).map(NodeCondition::getLastHeartbeatTime).orElse(null);
        Instant renew = lease == null || lease.getSpec() == null ? null
                : Optional.ofNullable(lease.getSpec().getRenewTime()).map(ZonedDateTime::toInstant).orElse(null);
        if (previous == null) {
            return new NodeHealth(now, heartbeat, renew);
        }
        boolean heartbeatChanged = !Objects.equals(heartbeat, previous.heartbeat());
        boolean renewed = renew != null && (previous.leaseRenewTime() == null || renew.isAfter(previous.leaseRenewTime()));
        Instant probe = heartbeatChanged || renewed ? now : previous.probeTime();
        Instant keptRenew = renewed || previous.leaseRenewTime() == null ? renew : previous.leaseRenewTime();
        return new NodeHealth(probe, heartbeat, keptRenew);
    }

    /** When the node stops being healthy if nothing changes: probe time plus its grace period. */
    Instant expiry(Duration gracePeriod) {
        return probeTime.plus(gracePeriod);
    }

    /** kube: {@code now.After(probeTimestamp.Add(gracePeriod))}. */
    boolean expired(Instant now, Duration gracePeriod) {
        return now.isAfter(expiry(gracePeriod));
    }

    static Optional<NodeCondition> ready(Node node) {
        return condition(node, "Ready");
    }

    static Optional<NodeCondition> condition(Node node, String type) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return node.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
