package io.outpost.scheduler.framework;

/** Builds a plugin for one profile. Throws {@link IllegalArgumentException} for bad args. */
@FunctionalInterface
public interface PluginFactory {

    Plugin create(PluginContext context);
}
