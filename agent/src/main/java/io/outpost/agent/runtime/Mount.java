package io.outpost.agent.runtime;

import java.nio.file.Path;

/**
 * A volume mount (CRI {@code Mount}): the host path of a materialised volume and where the
 * container expects it.
 */
public record Mount(Path hostPath, String containerPath, boolean readOnly) {
}
