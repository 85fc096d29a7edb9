package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.outpost.apiserver.cel.CelEnvironment;
import io.outpost.apiserver.cel.KubernetesLibrary;
import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;

/**
 * The {@code x-kubernetes-validations} of a schema, compiled once per CRD version and evaluated on
 * every write (kube's {@code apiserver/schema/cel}): {@code self} is the value at the rule's node,
 * typed by the schema ({@link CelTypes}); a rule that mentions {@code oldSelf} is a transition rule,
 * evaluated on updates only where the old object has a value at the same place (object properties,
 * map values and the items of {@code x-kubernetes-list-type: map} lists correlate; other list items
 * do not), or always with {@code optionalOldSelf: true}, where oldSelf is an optional.
 *
 * <p>CEL is Google's cel-java (dev.cel) with the libraries of the shared {@code io.outpost.apiserver.cel}
 * package (optionals, strings, sets, regex, and Kubernetes' quantity/url/ip/cidr/lists/regex
 * functions). That package's {@code CelEnvironment} declares every variable {@code dyn}; CRD rules
 * need self typed by the schema (so that {@code self.nmae} fails when the CRD is written, as in
 * kube), hence this class builds its own environment over the same libraries.
 *
 * <p>Cost: kube estimates each rule's worst-case cost statically; cel-java has no estimator, so the
 * bound is enforced at run time instead: every evaluated expression node costs one unit, a rule
 * call may spend {@value #PER_CALL_LIMIT} and one object's rules together {@value #OBJECT_BUDGET}
 * (kube's PerCallLimit and RuntimeCELCostBudget), and a comprehension at most
 * {@value #MAX_ITERATIONS} iterations.
 *
 * <p>Thread model: immutable after {@link #compile}; the compiled programs are shared by all requests.
 */
final class Rules {

    static final long PER_CALL_LIMIT = 1_000_000;
    static final long OBJECT_BUDGET = 10_000_000;
    static final int MAX_ITERATIONS = 100_000;

    private static final List<String> REASONS = List.of("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate");
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableOptionalSyntax(true)
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(CelEnvironment.MAX_EXPRESSION_LENGTH)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();

    /** One compiled rule. {@code fieldPath} is relative to the node, as written ({@code .spec.x}), or empty. */
    private record Rule(String rule, CelRuntime.Program program, CelRuntime.Program messageProgram, boolean transition,
                        boolean optionalOldSelf, String message, String fieldPath, FieldError.Type reason) {
    }

    private final Map<Schema, List<Rule>> byNode;
    /** The resource root, whose self also has apiVersion, kind and metadata. */
    private final Schema root;

    private Rules(Map<Schema, List<Rule>> byNode, Schema root) {
        this.byNode = byNode;
        this.root = root;
    }

    boolean isEmpty() {
        return byNode.isEmpty();
    }

    /**
     * Compiles every rule of the structural schema at {@code path}; declaration and compile errors
     * are added to {@code errs} with kube's paths ({@code ...x-kubernetes-validations[0].rule}).
     */
    static Rules compile(Schema root, String path, List<FieldError> errs) {
        Map<Schema, List<Rule>> byNode = new IdentityHashMap<>();
        compile(root, path, "", null, byNode, errs);
        return new Rules(byNode, root);
    }

    private static void compile(Schema s, String path, String typeName, String uncorrelatable,
                                Map<Schema, List<Rule>> byNode, List<FieldError> errs) {
        if (!s.validations.isEmpty()) {
            List<Rule> rules = compileNode(s, path, typeName.isEmpty() ? "Object" : "Object" + typeName, typeName.isEmpty(), uncorrelatable, errs);
            if (!rules.isEmpty()) {
                byNode.put(s, rules);
            }
        }
        for (Map.Entry<String, Schema> e : s.properties.entrySet()) {
            compile(e.getValue(), Paths.key(Paths.child(path, "properties"), e.getKey()), typeName + "." + e.getKey(), uncorrelatable, byNode, errs);
        }
        if (s.additionalProperties != null) {
            compile(s.additionalProperties, Paths.child(path, "additionalProperties"), typeName + ".@key", uncorrelatable, byNode, errs);
        }
        if (s.items != null) {
            String itemsUncorrelatable = uncorrelatable != null ? uncorrelatable : "map".equals(s.listType) ? null : Paths.child(path, "items");
            compile(s.items, Paths.child(path, "items"), typeName + ".@idx", itemsUncorrelatable, byNode, errs);
        }
    }

    private static List<Rule> compileNode(Schema s, String path, String typeName, boolean resourceRoot, String uncorrelatable,
                                          List<FieldError> errs) {
        String base = Paths.child(path, "x-kubernetes-validations");
        List<Rule> out = new ArrayList<>();
        CelTypes types = new CelTypes();
        CelType selfType = resourceRoot ? types.rootType(s) : types.typeOf(s, typeName);
        // one environment per oldSelf flavour: building one costs far more than compiling a rule in it
        Map<Boolean, Cel> environments = new HashMap<>();
        for (int i = 0; i < s.validations.size(); i++) {
            JsonNode decl = s.validations.get(i);
            String at = Paths.index(base, i);
            int before = errs.size();
            String rule = decl.path("rule").asString("");
            String message = decl.path("message").asString("");
            String messageExpression = decl.path("messageExpression").asString("");
            String fieldPath = decl.path("fieldPath").asString("");
            String reason = decl.path("reason").asString("");
            boolean optionalOldSelf = decl.path("optionalOldSelf").asBoolean(false);
            if (rule.isBlank()) {
                errs.add(FieldError.required(Paths.child(at, "rule"), "rule is not specified"));
            }
            if (decl.has("message") && message.isBlank()) {
                errs.add(FieldError.required(Paths.child(at, "message"), "message must be non-empty if specified"));
            } else if (message.contains("\n")) {
                errs.add(FieldError.invalid(Paths.child(at, "message"), message, "message must not contain line breaks"));
            }
            if (decl.has("messageExpression") && messageExpression.isBlank()) {
                errs.add(FieldError.required(Paths.child(at, "messageExpression"), "messageExpression must be non-empty if specified"));
            }
            if (decl.has("reason") && !REASONS.contains(reason)) {
                errs.add(FieldError.notSupported(Paths.child(at, "reason"), reason, REASONS));
            }
            if (!fieldPath.isEmpty()) {
                String problem = FieldPaths.problem(s, fieldPath);
                if (problem != null) {
                    errs.add(FieldError.invalid(Paths.child(at, "fieldPath"), fieldPath, problem));
                }
            }
            if (rule.isBlank()) {
                continue;
            }
            // oldSelf is always declared; a rule that names it is a transition rule (kube's same test)
            Cel env = environments.computeIfAbsent(optionalOldSelf,
                    optional -> environment(types, selfType, optional ? OptionalType.create(selfType) : selfType));
            CelValidationResult compiled = env.compile(rule);
            boolean transition = false;
            CelAbstractSyntaxTree ast = null;
            if (compiled.hasError()) {
                errs.add(FieldError.invalid(Paths.child(at, "rule"), rule, "compilation failed: " + compiled.getErrorString()));
            } else {
                ast = astOf(compiled);
                transition = referencesOldSelf(ast);
                if (!ast.getResultType().equals(SimpleType.BOOL) && !ast.getResultType().equals(SimpleType.DYN)) {
                    errs.add(FieldError.invalid(Paths.child(at, "rule"), rule, "must evaluate to a bool"));
                }
                if (transition && uncorrelatable != null) {
                    errs.add(FieldError.invalid(Paths.child(at, "rule"), rule,
                            "oldSelf cannot be used on the uncorrelatable portion of the schema within " + uncorrelatable));
                }
            }
            if (optionalOldSelf && !transition && ast != null) {
                errs.add(FieldError.invalid(Paths.child(at, "optionalOldSelf"), true, "may not be set to true if rule does not use oldSelf"));
            }
            CelRuntime.Program messageProgram = null;
            if (!messageExpression.isBlank()) {
                CelValidationResult m = env.compile(messageExpression);
                if (m.hasError()) {
                    errs.add(FieldError.invalid(Paths.child(at, "messageExpression"), messageExpression,
                            "messageExpression compilation failed: " + m.getErrorString()));
                } else {
                    CelAbstractSyntaxTree mast = astOf(m);
                    if (!mast.getResultType().equals(SimpleType.STRING) && !mast.getResultType().equals(SimpleType.DYN)) {
                        errs.add(FieldError.invalid(Paths.child(at, "messageExpression"), messageExpression,
                                "must evaluate to a string"));
                    } else {
                        messageProgram = program(env, mast);
                    }
                }
            }
            if (errs.size() == before) {
                out.add(new Rule(rule, program(env, ast), messageProgram, transition, optionalOldSelf, message, fieldPath,
                        reasonType(reason)));
            }
        }
        return out;
    }

    /**
     * The CEL environment of one schema node: self and oldSelf typed by the schema, the libraries of
     * {@link CelEnvironment} (the shared package's dyn-typed environment) and Kubernetes' own
     * functions from {@link KubernetesLibrary}.
     */
    private static Cel environment(CelTypes types, CelType selfType, CelType oldSelfType) {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS), CelExtensions.regex())
                .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS), CelExtensions.regex())
                .addVar("self", selfType)
                .addVar("oldSelf", oldSelfType);
        KubernetesLibrary.install(builder);
        return builder.build();
    }

    private static CelAbstractSyntaxTree astOf(CelValidationResult r) {
        try {
            return r.getAst();
        } catch (CelValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CelRuntime.Program program(Cel env, CelAbstractSyntaxTree ast) {
        try {
            return env.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("a checked CEL expression did not plan: " + e.getMessage(), e);
        }
    }

    /** Whether the checked expression names oldSelf. */
    static boolean referencesOldSelf(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .anyMatch(n -> n.expr().getKind() == CelExpr.ExprKind.Kind.IDENT && n.expr().ident().name().equals("oldSelf"));
    }

    private static FieldError.Type reasonType(String reason) {
        return switch (reason) {
            case "FieldValueForbidden" -> FieldError.Type.FORBIDDEN;
            case "FieldValueRequired" -> FieldError.Type.REQUIRED;
            case "FieldValueDuplicate" -> FieldError.Type.DUPLICATE;
            default -> FieldError.Type.INVALID;
        };
    }

    // ---- evaluation ----

    /** The cost spent on one object's rules so far; one per validate call. */
    private static final class Budget {
        long remaining = OBJECT_BUDGET;
        boolean exhausted;
    }

    private static final class CostExceeded extends RuntimeException {
        final boolean perCall;

        CostExceeded(boolean perCall) {
            super(perCall ? "operation cancelled: actual cost limit exceeded" : "budget", null, false, false);
            this.perCall = perCall;
        }
    }

    /** Evaluates every rule on {@code value}; {@code old} is the previous object on an update, else null. */
    List<FieldError> validate(Schema root, JsonNode value, JsonNode old) {
        return validateAt(root, value, old, "");
    }

    /** Evaluates the rules of {@code s} and below on a value at {@code path} (a default, say). */
    List<FieldError> validateAt(Schema s, JsonNode value, JsonNode old, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (!byNode.isEmpty()) {
            walk(s, value, old, path, new Budget(), errs);
        }
        return errs;
    }

    private void walk(Schema s, JsonNode v, JsonNode old, String path, Budget budget, List<FieldError> errs) {
        if (v == null || v.isNull() || v.isMissingNode() || budget.exhausted || !ValueValidator.typeMatches(s, v)) {
            // a value of the wrong type already has its schema error; its rules would only fail to dispatch
            return;
        }
        if (old != null && (old.isNull() || old.isMissingNode())) {
            old = null;
        }
        List<Rule> rules = byNode.get(s);
        // ratcheting: a value unchanged from the old object is not re-validated, except by transition rules
        boolean unchanged = old != null && ValueValidator.same(v, old);
        if (rules != null) {
            for (Rule r : rules) {
                if (unchanged && !r.transition) {
                    continue;
                }
                evaluate(r, s, v, old, path, budget, errs);
                if (budget.exhausted) {
                    return;
                }
            }
        }
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                Schema p = s.property(e.getKey());
                if (p != null) {
                    walk(p, e.getValue(), old == null ? null : old.get(e.getKey()), Paths.child(path, e.getKey()), budget, errs);
                }
            }
        } else if (v.isArray() && s.items != null) {
            Map<JsonNode, JsonNode> oldByKey = "map".equals(s.listType) && old != null && old.isArray() ? index(s, old) : Map.of();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                JsonNode oldItem = oldByKey.isEmpty() || !item.isObject() ? null : oldByKey.get(key(s, item));
                walk(s.items, item, oldItem, Paths.index(path, i), budget, errs);
            }
        }
    }

    private static Map<JsonNode, JsonNode> index(Schema s, JsonNode list) {
        Map<JsonNode, JsonNode> out = new HashMap<>();
        for (JsonNode item : list) {
            if (item.isObject()) {
                out.putIfAbsent(key(s, item), item);
            }
        }
        return out;
    }

    private static JsonNode key(Schema s, JsonNode item) {
        return ValueValidator.canonical(ValueValidator.mapKey(s, item));
    }

    private void evaluate(Rule r, Schema s, JsonNode v, JsonNode old, String path, Budget budget, List<FieldError> errs) {
        if (r.transition && old == null && !r.optionalOldSelf) {
            return;
        }
        Map<String, Object> vars = new HashMap<>();
        boolean atRoot = s == root;
        vars.put("self", atRoot ? CelTypes.rootValue(v, s) : CelTypes.value(v, s));
        if (r.transition) {
            Object oldValue = old == null ? null : atRoot ? CelTypes.rootValue(old, s) : CelTypes.value(old, s);
            vars.put("oldSelf", r.optionalOldSelf ? Optional.ofNullable(oldValue) : oldValue);
        }
        String errPath = r.fieldPath.isEmpty() ? path : FieldPaths.append(path, r.fieldPath);
        if (errPath.isEmpty()) {
            errPath = "<nil>"; // kube's String() of the root's nil field.Path
        }
        String type = s.type;
        Object result;
        try {
            result = run(r.program, vars, budget);
        } catch (CostExceeded e) {
            if (e.perCall) {
                errs.add(FieldError.invalid(errPath, type, "'operation cancelled: actual cost limit exceeded': call cost exceeds limit for rule: " + r.rule));
            } else {
                budget.exhausted = true;
                errs.add(FieldError.invalid(errPath, type, "validation failed due to running out of cost budget, no further validation rules will be run"));
            }
            return;
        } catch (CelEvaluationException e) {
            errs.add(FieldError.invalid(errPath, type, evaluationError(e) + " evaluating rule: " + r.rule));
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            return;
        }
        if (!(result instanceof Boolean)) {
            errs.add(FieldError.invalid(errPath, type, "rule did not evaluate to a bool evaluating rule: " + r.rule));
            return;
        }
        String message = message(r, vars, budget);
        errs.add(switch (r.reason) {
            case REQUIRED -> FieldError.required(errPath, message);
            case FORBIDDEN -> FieldError.forbidden(errPath, message);
            case DUPLICATE -> new FieldError(FieldError.Type.DUPLICATE, errPath, type, message);
            default -> FieldError.invalid(errPath, type, message);
        });
    }

    private String message(Rule r, Map<String, Object> vars, Budget budget) {
        if (r.messageProgram != null) {
            try {
                Object m = run(r.messageProgram, vars, budget);
                if (m instanceof String text && !text.isBlank() && !text.contains("\n")) {
                    return text;
                }
            } catch (CelEvaluationException | CostExceeded e) {
                // kube falls back to message when messageExpression fails
            }
        }
        return !r.message.isEmpty() ? r.message : "failed rule: " + r.rule.strip();
    }

    private static Object run(CelRuntime.Program program, Map<String, Object> vars, Budget budget) throws CelEvaluationException {
        long[] spent = {0};
        try {
            return program.trace(vars, (expr, res) -> {
                spent[0]++;
                budget.remaining--;
                if (budget.remaining < 0) {
                    throw new CostExceeded(false);
                }
                if (spent[0] > PER_CALL_LIMIT) {
                    throw new CostExceeded(true);
                }
            });
        } catch (CelEvaluationException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CostExceeded c) {
                    throw c;
                }
            }
            throw e;
        }
    }

    /** cel-java's "evaluation error at &lt;input&gt;:4: key 'x' is not present in map." without the position. */
    private static String evaluationError(CelEvaluationException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf("<input>:");
        if (at >= 0) {
            int colon = m.indexOf(": ", at);
            if (colon > 0) {
                m = m.substring(colon + 2);
            }
        }
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
