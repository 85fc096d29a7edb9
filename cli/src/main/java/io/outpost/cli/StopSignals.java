package io.outpost.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a graceful stop that exits 0.
 *
 * <p>The JVM's own handlers run the shutdown hooks and then exit with 128 + the signal (143 for
 * SIGTERM), which a service manager reads as a failure. As kube-apiserver does, a server asked
 * to stop that stops cleanly exits 0: the handler only asks the server to stop, and the main
 * thread returns. There is no public API for this; {@code sun.misc.Signal} (module
 * jdk.unsupported, which JEP 260 keeps open for such uses) is the way.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Runs {@code stop} on the JVM's signal thread at SIGTERM or SIGINT; it must return quickly. */
    static void onTermOrInt(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                // javac warns about each use of sun.misc (and cannot be told not to); keep them few.
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // With -Xrs the JVM leaves the signal to the OS, which ends the process at once,
                // as kill -9 would: every acknowledged write is on disk already.
                LOG.warn("cannot handle SIG{} ({}): it will end the process without a clean stop", name, e.getMessage());
            }
        }
    }
}
