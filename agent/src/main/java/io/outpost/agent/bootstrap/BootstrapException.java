package io.outpost.agent.bootstrap;

/**
 * The node could not get or renew its identity. The message is for the operator: it names the
 * flag ({@code --server}, {@code --token}, {@code --node-name}, {@code --data-dir}) or the
 * server-side object involved and says what to do.
 */
public final class BootstrapException extends Exception {

    public BootstrapException(String message) {
        super(message);
    }

    public BootstrapException(String message, Throwable cause) {
        super(message, cause);
    }
}
