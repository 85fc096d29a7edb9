/**
 * CEL for the API server: compile an expression once, evaluate it on JSON trees many times. Used
 * by ValidatingAdmissionPolicy ({@code io.outpost.apiserver.admission}) and CRD
 * {@code x-kubernetes-validations} rules.
 *
 * <p>The API (kept stable; callers in other packages rely on it):
 * <pre>{@code
 * CelEnvironment env = CelEnvironment.of("self", "oldSelf");   // variables, each dyn
 * CelExpression rule = env.compile("self.replicas <= 5");      // throws CelCompileException
 * boolean ok = rule.evaluateBoolean(Map.of("self", jsonNode)); // throws CelEvaluationError
 * }</pre>
 * <ul>
 *   <li>{@link io.outpost.apiserver.cel.CelEnvironment}: {@code of(String...)} or
 *       {@code of(Set, costLimit)}; {@code compile(String)}. Immutable, thread-safe; build one per
 *       set of variables and reuse it.
 *   <li>{@link io.outpost.apiserver.cel.CelCompileException}: its message is the compiler's
 *       report in kube's form ({@code ERROR: <input>:1:13: Syntax error: ...} with the source line
 *       and a caret); kube puts {@code "compilation failed: "} before it in a field error.
 *   <li>{@link io.outpost.apiserver.cel.CelExpression}: {@code evaluate(Map)},
 *       {@code evaluateBoolean(Map)}, {@code evaluateString(Map)}. Activation values may be
 *       Jackson {@code JsonNode}s (converted by {@link io.outpost.apiserver.cel.CelValues}) or CEL
 *       values. A missing map key is an evaluation error ({@code has()} and {@code ?.} test for
 *       it), as in kube.
 *   <li>{@link io.outpost.apiserver.cel.CelEvaluationError}: any runtime failure;
 *       {@code costLimitExceeded()} tells the cost limit apart.
 *   <li>{@link io.outpost.apiserver.cel.CelValues}: {@code fromJson(JsonNode)},
 *       {@code toJson(Object)}.
 * </ul>
 *
 * <p>Libraries in every environment: CEL's standard functions and macros, optionals
 * ({@code ?.}, {@code [?]}, {@code optional.of}, {@code orValue}, {@code hasValue}), cel-java's
 * strings, sets and regex extensions, and Kubernetes' own: quantity, URL, IP/CIDR, regex
 * {@code find}/{@code findAll}, lists {@code isSorted}/{@code sum}/{@code min}/{@code max}/
 * {@code indexOf}/{@code lastIndexOf}.
 *
 * <p>Not done yet: static typing from an OpenAPI schema (variables are {@code dyn}, so kube's
 * estimated-cost check at compile time is replaced by the runtime limit: one unit per evaluated
 * node, {@link io.outpost.apiserver.cel.CelEnvironment#DEFAULT_COST_LIMIT}); the authorizer
 * library; {@code format}; the {@code semver} library; {@code string(ip)}/{@code string(cidr)}
 * (use the value in a string context via {@code ip.isCanonical}).
 */
package io.outpost.apiserver.cel;
