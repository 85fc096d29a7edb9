package io.outpost.apiserver.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

import io.outpost.api.ResourceType;
import io.outpost.store.KvStore;

/**
 * What the {@link Registry} needs.
 *
 * @param store              the store every object lives in
 * @param types              every stored resource; must include core/v1 namespaces. The namespace
 *                           finalizer deletes the namespaced ones
 * @param clock              creation and deletion timestamps, watch deadlines and bookmarks
 * @param random             uids, generated names, the random default watch timeout
 * @param finalizers         runs the namespace finalizer after a namespace is marked Terminating
 * @param minRequestTimeout  a watch without timeoutSeconds lasts a random time in
 *                           [min, 2*min), kube-apiserver's {@code --min-request-timeout} (30 min)
 * @param bookmarkPeriod     how often a watch that allows bookmarks gets one (kube: about a minute)
 * @param watchPollInterval  how long a watch (and a watch cache's dispatcher) waits for events
 *                           before looking at its clock (deadlines, bookmarks) again; a real-time
 *                           bound, unlike the clock
 * @param watchCacheEvents   how many recent events each resource's watch cache keeps for watches
 *                           that resume from a resourceVersion
 * @param watcherBuffer      how many events one watch may have waiting before it is closed for
 *                           falling behind (its client re-watches)
 * @param garbageCollector   whether a garbage collector runs against this registry: deletes then
 *                           leave the {@code orphan} and {@code foregroundDeletion} finalizers for
 *                           it to act on (see {@link Propagation}); without one they would never go
 * @param namespaceController whether a namespace controller runs against this registry, as in
 *                           kube: a deleted namespace is only marked Terminating, and goes once the
 *                           controller has emptied it and removed its {@code kubernetes} finalizer
 *                           through {@code namespaces/{name}/finalize}. Without one, the registry's
 *                           in-process finalizer empties and removes it (see {@link NamespaceLifecycle})
 * @param serviceAccounts    whether a service-account controller keeps a {@code default}
 *                           ServiceAccount in every namespace, as in kube: pods are then admitted
 *                           by the ServiceAccount admission plugin (a pod's service account must
 *                           exist; its token is mounted). Without one, pods are not checked
 * @param eventTtl           how long an Event (core/v1, and so events.k8s.io/v1) lives after its
 *                           latest write, kube-apiserver's {@code --event-ttl} (1 h); zero keeps
 *                           events until deleted, as kube does with 0
 */
public record RegistryConfig(KvStore store, List<ResourceType> types, Clock clock, RandomGenerator random,
                             Executor finalizers, Duration minRequestTimeout, Duration bookmarkPeriod,
                             Duration watchPollInterval, int watchCacheEvents, int watcherBuffer,
                             boolean garbageCollector, boolean namespaceController, boolean serviceAccounts,
                             Duration eventTtl) {

    /** kube-apiserver's default {@code --event-ttl}. */
    public static final Duration DEFAULT_EVENT_TTL = Duration.ofHours(1);

    /** With kube's default event ttl. */
    public RegistryConfig(KvStore store, List<ResourceType> types, Clock clock, RandomGenerator random,
                          Executor finalizers, Duration minRequestTimeout, Duration bookmarkPeriod,
                          Duration watchPollInterval, int watchCacheEvents, int watcherBuffer, boolean garbageCollector,
                          boolean namespaceController, boolean serviceAccounts) {
        this(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod, watchPollInterval,
                watchCacheEvents, watcherBuffer, garbageCollector, namespaceController, serviceAccounts, DEFAULT_EVENT_TTL);
    }

    /** Without a service-account controller. */
    public RegistryConfig(KvStore store, List<ResourceType> types, Clock clock, RandomGenerator random,
                          Executor finalizers, Duration minRequestTimeout, Duration bookmarkPeriod,
                          Duration watchPollInterval, int watchCacheEvents, int watcherBuffer, boolean garbageCollector,
                          boolean namespaceController, Duration eventTtl) {
        this(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod, watchPollInterval,
                watchCacheEvents, watcherBuffer, garbageCollector, namespaceController, false, eventTtl);
    }

    /** Without a service-account controller, with kube's default event ttl. */
    public RegistryConfig(KvStore store, List<ResourceType> types, Clock clock, RandomGenerator random,
                          Executor finalizers, Duration minRequestTimeout, Duration bookmarkPeriod,
                          Duration watchPollInterval, int watchCacheEvents, int watcherBuffer, boolean garbageCollector,
                          boolean namespaceController) {
        this(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod, watchPollInterval,
                watchCacheEvents, watcherBuffer, garbageCollector, namespaceController, false, DEFAULT_EVENT_TTL);
    }

    /** Without a namespace controller: namespaces are emptied in-process. */
    public RegistryConfig(KvStore store, List<ResourceType> types, Clock clock, RandomGenerator random,
                          Executor finalizers, Duration minRequestTimeout, Duration bookmarkPeriod,
                          Duration watchPollInterval, int watchCacheEvents, int watcherBuffer, boolean garbageCollector) {
        this(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod, watchPollInterval,
                watchCacheEvents, watcherBuffer, garbageCollector, false);
    }

    public RegistryConfig {
        types = List.copyOf(types);
        if (minRequestTimeout.isNegative() || minRequestTimeout.isZero() || bookmarkPeriod.isNegative()
                || bookmarkPeriod.isZero() || watchPollInterval.isNegative() || watchPollInterval.isZero()) {
            throw new IllegalArgumentException("watch timeouts and periods must be positive");
        }
        if (watchCacheEvents < 1 || watcherBuffer < 1) {
            throw new IllegalArgumentException("watchCacheEvents and watcherBuffer must be at least 1");
        }
        if (eventTtl.isNegative()) {
            throw new IllegalArgumentException("eventTtl must not be negative: " + eventTtl);
        }
    }

    /**
     * Production defaults: no garbage collector yet, the system clock, a secure random, the finalizer on a virtual thread, a
     * ring of 10,000 events per resource and 1,000 waiting events per watch (a buffer holds
     * references to events the cache's ring holds anyway).
     */
    public static RegistryConfig defaults(KvStore store, List<ResourceType> types) {
        return new RegistryConfig(store, types, Clock.systemUTC(), new java.security.SecureRandom(),
                Thread.ofVirtual().name("namespace-finalizer")::start,
                Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofSeconds(1), 10_000, 1_000, false, false, false,
                DEFAULT_EVENT_TTL);
    }

    /** This configuration with or without a garbage collector. */
    public RegistryConfig withGarbageCollector(boolean enabled) {
        return new RegistryConfig(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod,
                watchPollInterval, watchCacheEvents, watcherBuffer, enabled, namespaceController, serviceAccounts, eventTtl);
    }

    /** This configuration with or without a namespace controller. */
    public RegistryConfig withNamespaceController(boolean enabled) {
        return new RegistryConfig(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod,
                watchPollInterval, watchCacheEvents, watcherBuffer, garbageCollector, enabled, serviceAccounts, eventTtl);
    }

    /** This configuration with or without a service-account controller (and so the ServiceAccount admission). */
    public RegistryConfig withServiceAccounts(boolean enabled) {
        return new RegistryConfig(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod,
                watchPollInterval, watchCacheEvents, watcherBuffer, garbageCollector, namespaceController, enabled, eventTtl);
    }

    /** This configuration with Events living {@code ttl} after their latest write (zero: until deleted). */
    public RegistryConfig withEventTtl(Duration ttl) {
        return new RegistryConfig(store, types, clock, random, finalizers, minRequestTimeout, bookmarkPeriod,
                watchPollInterval, watchCacheEvents, watcherBuffer, garbageCollector, namespaceController, serviceAccounts, ttl);
    }
}
