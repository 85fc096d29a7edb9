/**
 * The edge-aware scheduler (issue 5), after kube-scheduler's design.
 *
 * <ul>
 *   <li>{@link io.outpost.scheduler.Scheduler}: one pod at a time through a profile's plugins;
 *       {@link io.outpost.scheduler.SchedulingQueue} (active, back-off, unschedulable) and
 *       {@link io.outpost.scheduler.SchedulerCache} (nodes, bound and assumed pods) are its state,
 *       fed by informer events and independent of any client;</li>
 *   <li>{@code framework}: the extension points (PreFilter, Filter, PostFilter, PreScore, Score,
 *       Reserve, Bind), {@code Status}/{@code Code}, and shared matching helpers;</li>
 *   <li>{@code plugins.<name>}: one final class per plugin, listed in
 *       {@link io.outpost.scheduler.PluginRegistry#inTree()}; defaults and weights in
 *       {@link io.outpost.scheduler.SchedulerConfiguration} (KubeSchedulerConfiguration's shape);</li>
 *   <li>{@code fabric8}: {@link io.outpost.scheduler.fabric8.Fabric8Scheduler}, the scheduler on
 *       a fabric8 client (informers, pods/binding, Events, PodScheduled condition).</li>
 * </ul>
 *
 * To run it inside {@code outpost server}: build a fabric8 client on the loopback admin
 * credentials, then {@code new Fabric8Scheduler(new Fabric8Scheduler.Config(client,
 * SchedulerConfiguration.defaultConfiguration() or load(file), Clock.systemUTC())).start()}, and
 * close it before the API server on shutdown.
 */
package io.outpost.scheduler;
