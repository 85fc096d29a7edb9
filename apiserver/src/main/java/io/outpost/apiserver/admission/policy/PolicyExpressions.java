package io.outpost.apiserver.admission.policy;

import io.outpost.apiserver.cel.CelCompileException;
import io.outpost.apiserver.cel.CelEnvironment;
import io.outpost.apiserver.cel.CelExpression;

/**
 * The CEL environment of admission policies: the variables kube declares for
 * ValidatingAdmissionPolicy expressions ({@code object}, {@code oldObject}, {@code request},
 * {@code params}, {@code namespaceObject}, {@code variables}), each {@code dyn}. The
 * {@code authorizer} variable is not offered yet.
 */
final class PolicyExpressions {

    static final CelEnvironment ENVIRONMENT =
            CelEnvironment.of("object", "oldObject", "request", "params", "namespaceObject", "variables");

    private PolicyExpressions() {
    }

    /** @throws CelCompileException with kube's field error detail as the message */
    static CelExpression compile(String expression) throws CelCompileException {
        try {
            return ENVIRONMENT.compile(expression);
        } catch (CelCompileException e) {
            throw new CelCompileException("compilation failed: " + e.getMessage());
        }
    }
}
