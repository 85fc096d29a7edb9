package io.outpost.agent.bootstrap;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Bootstrap#join} needs, from {@code outpost agent}'s flags.
 *
 * @param server            the API server, {@code https://HOST:PORT} ({@code --server})
 * @param token             the join token ({@code --token}), {@code K10<ca hash>::<id>.<secret>};
 *                          may be empty when {@code dataDir} already holds a valid identity
 * @param nodeName          the node's name ({@code --node-name}): a DNS subdomain
 * @param dataDir           the agent's data dir ({@code --data-dir}); the identity lives in {@code pki/}
 * @param clock             for certificate validity and rotation deadlines
 * @param approvalTimeout   how long to wait for a submitted CSR to be signed
 * @param pollInterval      how often to look at a submitted CSR meanwhile
 * @param requestedDuration the {@code expirationSeconds} to ask for; empty: the signer's default
 */
public record BootstrapConfig(URI server, String token, String nodeName, Path dataDir, Clock clock,
                              Duration approvalTimeout, Duration pollInterval, Optional<Duration> requestedDuration) {

    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    public BootstrapConfig {
        Objects.requireNonNull(server, "server");
        token = token == null ? "" : token.strip();
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(approvalTimeout, "approvalTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(requestedDuration, "requestedDuration");
    }

    /** The defaults: the system clock, a five-minute approval wait, the signer's default duration. */
    public static BootstrapConfig of(URI server, String token, String nodeName, Path dataDir) {
        return new BootstrapConfig(server, token, nodeName, dataDir, Clock.systemUTC(), DEFAULT_APPROVAL_TIMEOUT,
                DEFAULT_POLL_INTERVAL, Optional.empty());
    }

    /** The same, asking the signer for certificates valid {@code duration} (at least 10 minutes, kube's minimum). */
    public BootstrapConfig withRequestedDuration(Duration duration) {
        return new BootstrapConfig(server, token, nodeName, dataDir, clock, approvalTimeout, pollInterval, Optional.of(duration));
    }

    public BootstrapConfig withClock(Clock newClock) {
        return new BootstrapConfig(server, token, nodeName, dataDir, newClock, approvalTimeout, pollInterval, requestedDuration);
    }

    /** Where the key, the certificate and the CA are kept. */
    public Path pkiDir() {
        return dataDir.resolve("pki");
    }
}
