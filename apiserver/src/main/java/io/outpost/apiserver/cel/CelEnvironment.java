package io.outpost.apiserver.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
  * A CEL environment with Kubernetes' libraries: the standard functions and macros
  * ({@code has}, {@code all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter}),
  * optionals ({@code ?.}, {@code [?]}, {@code orValue}), cel-java's strings, lists, sets and
  * regex extensions, and Kubernetes' own functions (see {@link KubernetesLibrary}): {@code quantity},
  * {@code url}, {@code ip}, {@code cidr}, {@code find}/{@code findAll}, {@code isSorted},
  * {@code sum}, {@code min}, {@code max}, {@code indexOf}, {@code lastIndexOf}.
  *
  * <p>Variables are declared by name and typed {@code dyn}: JSON trees have no static schema here,
  * so type errors in a field's use surface at evaluation, not at compile time (kube types them
  * from the OpenAPI schema when it has one).
  *
  * <p>Thread model: immutable once built; {@link #compile} and the expressions it returns may be
  * used from any thread concurrently.
  */
public final class CelEnvironment {

    /**
      * Kube's per-call runtime cost limit ({@code PerCallLimit}, 1,000,000). Here one unit is one
      * evaluated expression node, which bounds the same thing: work done by one evaluation.
      */
    public static final long DEFAULT_COST_LIMIT = 1_000_000;

    /** Kube's maximum expression length accepted by the parser (code points). */
    public static final int MAX_EXPRESSION_LENGTH = 100_000;

    private static final Pattern SYNTAX_ISSUE =
            Pattern.compile("(?m)^(ERROR: <input>:\\d+:\\d+: )");

    private final Cel cel;
    private final long costLimit;
    private final Set<String> variables;

    private CelEnvironment(Set<String> variables, long costLimit) {
        this.variables = Set.copyOf(variables);
        this.costLimit = costLimit;
        CelOptions options =
                CelOptions.current()
                        .enableOptionalSyntax(true)
                        .enableHeterogeneousNumericComparisons(true)
                        .maxExpressionCodePointSize(MAX_EXPRESSION_LENGTH)
                        .build();
        CelBuilder builder =
                CelFactory.standardCelBuilder()
                        .setOptions(options)
                        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                        .addCompilerLibraries(
                                CelExtensions.optional(),
                                CelExtensions.strings(),
                                CelExtensions.sets(options),
                                CelExtensions.regex())
                        .addRuntimeLibraries(
                                CelExtensions.optional(),
                                CelExtensions.strings(),
                                CelExtensions.sets(options),
                                CelExtensions.regex());
        for (String variable : this.variables) {
            builder.addVar(variable, SimpleType.DYN);
        }
        KubernetesLibrary.install(builder);
        this.cel = builder.build();
    }

    /** An environment declaring {@code variables} (each {@code dyn}) and the default cost limit. */
    public static CelEnvironment of(String... variables) {
        return new CelEnvironment(new LinkedHashSet<>(List.of(variables)), DEFAULT_COST_LIMIT);
    }

    /** An environment declaring {@code variables} with its own cost limit (evaluated nodes). */
    public static CelEnvironment of(Set<String> variables, long costLimit) {
        if (costLimit <= 0) {
            throw new IllegalArgumentException("costLimit must be positive: " + costLimit);
        }
        return new CelEnvironment(variables, costLimit);
    }

    /** The declared variable names. */
    public Set<String> variables() {
        return variables;
    }

    /**
      * Parses and type-checks {@code expression}.
      *
      * @throws CelCompileException with the compiler's report, as kube shows it
      */
    public CelExpression compile(String expression) throws CelCompileException {
        if (expression == null || expression.isBlank()) {
            throw new CelCompileException("ERROR: <input>:1:1: expression is empty");
        }
        CelValidationResult parsed = cel.parse(expression);
        if (parsed.hasError()) {
            // cel-go (kube) names parser issues "Syntax error: "; cel-java does not.
            throw new CelCompileException(
                    SYNTAX_ISSUE.matcher(parsed.getErrorString()).replaceAll("$1Syntax error: "));
        }
        try {
            CelValidationResult checked = cel.check(parsed.getAst());
            if (checked.hasError()) {
                throw new CelCompileException(checked.getErrorString());
            }
            CelAbstractSyntaxTree ast = checked.getAst();
            return new CelExpression(expression, ast.getResultType(), cel.createProgram(ast), costLimit);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new CelCompileException(e.getMessage());
        }
    }
}
