package io.outpost.leaderelection;

import java.time.Duration;
import java.time.Instant;

/**
 * What a coordination.k8s.io/v1 Lease says about its holder (client-go's {@code LeaderElectionRecord}).
 *
 * @param holderIdentity  who holds it; empty when released
 * @param leaseDuration   how long others must wait, after they last saw it change, before taking it
 * @param acquireTime     when the current holder took it
 * @param renewTime       when the holder last renewed it
 * @param leaseTransitions how many times it changed hands
 * @param resourceVersion the Lease's resourceVersion as read (null for a record not yet stored)
 */
public record LeaderRecord(String holderIdentity, Duration leaseDuration, Instant acquireTime, Instant renewTime,
                           int leaseTransitions, String resourceVersion) {

    /** The same record as read under another resourceVersion, to compare what changed. */
    boolean sameAs(LeaderRecord other) {
        return other != null && holderIdentity.equals(other.holderIdentity) && leaseDuration.equals(other.leaseDuration)
                && java.util.Objects.equals(acquireTime, other.acquireTime)
                && java.util.Objects.equals(renewTime, other.renewTime) && leaseTransitions == other.leaseTransitions;
    }
}
