package io.outpost.scheduler.framework;

import java.time.Clock;

import tools.jackson.databind.JsonNode;

/**
 * What a plugin factory is given: its {@code pluginConfig} args from the configuration file
 * (an empty object when none), the clock, the binder, and the evicter preemption acts through.
 */
public record PluginContext(JsonNode args, Clock clock, Binder binder, PodEvicter evicter) {

    /** A context whose evicter does nothing (plugins that never preempt). */
    public PluginContext(JsonNode args, Clock clock, Binder binder) {
        this(args, clock, binder, PodEvicter.NONE);
    }
}
