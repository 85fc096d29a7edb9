package io.outpost.scheduler.framework;

import java.time.Clock;

import tools.jackson.databind.JsonNode;

/**
 * What a plugin factory is given: its {@code pluginConfig} args from the configuration file
 * (an empty object when none), the clock, and the binder.
 */
public record PluginContext(JsonNode args, Clock clock, Binder binder) {
}
