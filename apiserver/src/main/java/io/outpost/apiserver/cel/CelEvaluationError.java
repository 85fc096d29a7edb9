package io.outpost.apiserver.cel;

/**
  * An expression that failed while evaluating: no such key, no matching overload at run time, a
  * division by zero, a result of the wrong type, or the cost limit reached
  * ({@link #costLimitExceeded()}). Callers apply their failure policy to it.
  */
public final class CelEvaluationError extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean costLimitExceeded;

    public CelEvaluationError(String message, boolean costLimitExceeded) {
        super(message);
        this.costLimitExceeded = costLimitExceeded;
    }

    /** Whether evaluation stopped because it spent more than its cost limit. */
    public boolean costLimitExceeded() {
        return costLimitExceeded;
    }
}
