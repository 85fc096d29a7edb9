package io.outpost.agent.runtime;

/** CRI {@code ContainerState}. */
public enum ContainerState {
    CREATED, RUNNING, EXITED, UNKNOWN
}
