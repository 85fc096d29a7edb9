package io.outpost.scheduler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.outpost.scheduler.framework.PluginFactory;
import io.outpost.scheduler.plugins.architecture.Architecture;
import io.outpost.scheduler.plugins.balancedallocation.NodeResourcesBalancedAllocation;
import io.outpost.scheduler.plugins.defaultbinder.DefaultBinder;
import io.outpost.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.outpost.scheduler.plugins.imagelocality.ImageLocality;
import io.outpost.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.outpost.scheduler.plugins.linkquality.LinkQuality;
import io.outpost.scheduler.plugins.nodeaffinity.NodeAffinity;
import io.outpost.scheduler.plugins.nodename.NodeName;
import io.outpost.scheduler.plugins.nodeports.NodePorts;
import io.outpost.scheduler.plugins.nodereachability.NodeReachability;
import io.outpost.scheduler.plugins.noderesources.NodeResourcesFit;
import io.outpost.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.outpost.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.outpost.scheduler.plugins.siteplacement.SitePlacement;
import io.outpost.scheduler.plugins.tainttoleration.TaintToleration;

/**
 * Plugin name to factory: an explicit map built in one place, rejecting a duplicate name (kube's
 * {@code framework/runtime/registry.go}).
 */
public final class PluginRegistry {

    private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

    public PluginRegistry register(String name, PluginFactory factory) {
        if (factories.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("a plugin named " + name + " already exists");
        }
        return this;
    }

    public PluginFactory get(String name) {
        return factories.get(name);
    }

    public Map<String, PluginFactory> all() {
        return Collections.unmodifiableMap(factories);
    }

    /** Every plugin this module has. */
    public static PluginRegistry inTree() {
        return new PluginRegistry()
                .register(NodeUnschedulable.NAME, c -> new NodeUnschedulable())
                .register(NodeName.NAME, c -> new NodeName())
                .register(TaintToleration.NAME, c -> new TaintToleration())
                .register(NodeReachability.NAME, c -> new NodeReachability())
                .register(Architecture.NAME, c -> new Architecture())
                .register(NodeAffinity.NAME, c -> new NodeAffinity())
                .register(NodePorts.NAME, c -> new NodePorts())
                .register(NodeResourcesFit.NAME, NodeResourcesFit::create)
                .register(NodeResourcesBalancedAllocation.NAME, NodeResourcesBalancedAllocation::create)
                .register(PodTopologySpread.NAME, c -> new PodTopologySpread())
                .register(InterPodAffinity.NAME, c -> new InterPodAffinity())
                .register(ImageLocality.NAME, c -> new ImageLocality())
                .register(LinkQuality.NAME, c -> new LinkQuality())
                .register(SitePlacement.NAME, c -> new SitePlacement())
                .register(DefaultPreemption.NAME, c -> new DefaultPreemption(c.evicter()))
                .register(DefaultBinder.NAME, c -> new DefaultBinder(c.binder()));
    }
}
