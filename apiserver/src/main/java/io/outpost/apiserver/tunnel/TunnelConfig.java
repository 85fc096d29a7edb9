package io.outpost.apiserver.tunnel;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.serviceaccount.BoundTokens;
import io.outpost.store.KvStore;

/**
 * What the {@link TunnelEndpoint} needs.
 *
 * @param store        the store the projections are read and watched from
 * @param registry     the verbs upstream reports are written through
 * @param types        the built-in resources (pods, nodes, leases, events)
 * @param clock        lease renew times
 * @param metrics      where the per-node counters go
 * @param pollInterval how long the downstream waits for store events before it records progress
 * @param silence      a connection from which nothing is heard this long is closed (the agent
 *                     heartbeats every 10 s)
 * @param tokens       mints the service-account tokens of the pods' projected volumes
 *                     ({@link PodTokens}); empty: no tokens are sent
 */
public record TunnelConfig(KvStore store, Registry registry, ResourceTypes types, Clock clock, TunnelMetrics metrics,
                           Duration pollInterval, Duration silence, Optional<BoundTokens> tokens) {

    public TunnelConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tokens, "tokens");
    }

    /** This configuration with service-account tokens minted by {@code tokens}. */
    public TunnelConfig withTokens(BoundTokens tokens) {
        return new TunnelConfig(store, registry, types, clock, metrics, pollInterval, silence, Optional.of(tokens));
    }

    public static TunnelConfig defaults(KvStore store, Registry registry, ResourceTypes types, TunnelMetrics metrics) {
        return new TunnelConfig(store, registry, types, Clock.systemUTC(), metrics, Duration.ofSeconds(1), Duration.ofSeconds(90),
                Optional.empty());
    }
}
