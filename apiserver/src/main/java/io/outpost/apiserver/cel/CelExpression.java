package io.outpost.apiserver.cel;

import dev.cel.common.types.CelType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
  * A compiled expression, ready to evaluate any number of times from any thread.
  *
  * <p>An activation maps variable names to values: a {@link JsonNode} is converted with
  * {@link CelValues#fromJson}, anything else is passed as a CEL value (a {@code Map}, a
  * {@code List}, a {@code String}, a {@code Long}...). A declared variable left out of the
  * activation is an evaluation error only if the expression reaches it.
  */
public final class CelExpression {

    private final String source;
    private final CelType resultType;
    private final CelRuntime.Program program;
    private final long costLimit;

    CelExpression(String source, CelType resultType, CelRuntime.Program program, long costLimit) {
        this.source = source;
        this.resultType = resultType;
        this.program = program;
        this.costLimit = costLimit;
    }

    /** The expression text. */
    public String source() {
        return source;
    }

    /** The checked result type's name ({@code bool}, {@code string}, {@code dyn}, ...). */
    public String resultTypeName() {
        return resultType.name();
    }

    /** Evaluates with {@code activation}; the result is a CEL value (see {@link CelValues}). */
    public Object evaluate(Map<String, ?> activation) throws CelEvaluationError {
        Map<String, Object> values = new HashMap<>();
        activation.forEach(
                (name, value) ->
                        values.put(name, value instanceof JsonNode node ? CelValues.fromJson(node) : value));
        Cost cost = new Cost(costLimit);
        try {
            Object result = program.trace(values, cost);
            return result instanceof com.google.protobuf.NullValue ? NullValue.NULL_VALUE : result;
        } catch (CostExceeded e) {
            throw exceeded();
        } catch (CelEvaluationException e) {
            if (e.getCause() instanceof CostExceeded || cost.exceeded) {
                throw exceeded();
            }
            throw new CelEvaluationError(e.getMessage(), false);
        } catch (RuntimeException e) {
            // cel-java reports some misuse (a value of an unsupported Java type) as an unchecked
            // exception; to the caller it is the same failed evaluation.
            throw new CelEvaluationError(String.valueOf(e.getMessage()), false);
        }
    }

    /** Evaluates and requires a {@code bool} result. */
    public boolean evaluateBoolean(Map<String, ?> activation) throws CelEvaluationError {
        Object result = evaluate(activation);
        if (result instanceof Boolean b) {
            return b;
        }
        throw new CelEvaluationError(
                "expression '" + source + "' resulted in error: expected bool, got " + typeOf(result),
                false);
    }

    /** Evaluates and requires a {@code string} result. */
    public String evaluateString(Map<String, ?> activation) throws CelEvaluationError {
        Object result = evaluate(activation);
        if (result instanceof String s) {
            return s;
        }
        throw new CelEvaluationError(
                "expression '" + source + "' resulted in error: expected string, got " + typeOf(result),
                false);
    }

    private static String typeOf(Object value) {
        return switch (value) {
            case null -> "null";
            case NullValue n -> "null";
            case Long l -> "int";
            case Double d -> "double";
            case String s -> "string";
            case Map<?, ?> m -> "map";
            case java.util.List<?> l -> "list";
            case Optional<?> o -> "optional";
            default -> value.getClass().getSimpleName();
        };
    }

    private CelEvaluationError exceeded() {
        return new CelEvaluationError(
                "operation cancelled: actual cost limit exceeded (limit " + costLimit + ")", true);
    }

    /** Counts evaluated nodes; aborts the evaluation past the limit. */
    private static final class Cost implements CelEvaluationListener {
        private final long limit;
        private long spent;
        private boolean exceeded;

        Cost(long limit) {
            this.limit = limit;
        }

        @Override
        public void callback(dev.cel.common.ast.CelExpr expr, Object result) {
            if (++spent > limit) {
                exceeded = true;
                throw new CostExceeded();
            }
        }
    }

    private static final class CostExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CostExceeded() {
            super("cost limit exceeded", null, false, false);
        }
    }
}
