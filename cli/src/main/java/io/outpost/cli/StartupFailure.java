package io.outpost.cli;

/**
 * A component could not start for a reason the user can fix (a port in use, an unreadable file);
 * the message names the flag or file and the fix, and is shown as it is, exit code 1.
 */
final class StartupFailure extends RuntimeException {

    StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
