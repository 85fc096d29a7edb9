package io.outpost.agent.runtime;

/**
 * A container operation that failed for an expected reason. {@link #reason()} is the kubelet
 * waiting reason the pod status shows ({@code CreateContainerError}, {@code RunContainerError},
 * {@code CreateContainerConfigError}, ...), the message says what to fix.
 */
public final class RuntimeFailure extends Exception {

    public static final String CREATE_CONTAINER_ERROR = "CreateContainerError";
    public static final String RUN_CONTAINER_ERROR = "RunContainerError";
    public static final String CREATE_SANDBOX_ERROR = "CreatePodSandboxError";

    private final String reason;

    public RuntimeFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RuntimeFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
