package io.outpost.controllers.runtime;

/**
 * A controller the {@link ControllerManager} runs while it leads. Construction registers event
 * handlers on the shared {@link Informers} (which only enqueue keys); {@link #run} starts the
 * workers once the informers have synced; {@link #close} stops them.
 */
public interface Controller extends AutoCloseable {

    /** Its name, as kube-controller-manager's {@code --controllers} names it ("deployment", "garbagecollector"). */
    String name();

    /** Starts the workers; returns at once. Called once, after every informer has synced. */
    void run();

    /** Stops the workers, waiting for each to finish its current key. */
    @Override
    void close();
}
