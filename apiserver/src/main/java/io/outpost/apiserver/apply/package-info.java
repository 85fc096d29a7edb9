/**
 * Server-side apply and field ownership ({@code metadata.managedFields}), as kube-apiserver's
 * field manager and sigs.k8s.io/structured-merge-diff do them, on Jackson object trees.
 *
 * <ul>
 *   <li>{@link io.outpost.apiserver.apply.FieldSet}: sets of field paths and their fieldsV1
 *       encoding ({@code f:}, {@code k:}, {@code v:}, {@code i:}, {@code "."}).</li>
 *   <li>{@link io.outpost.apiserver.apply.ApplySchema}: whether each list is atomic, a set or a
 *       map (with keys) and each object granular or atomic. Built-in kinds:
 *       {@link io.outpost.apiserver.apply.BuiltinApplySchemas}, derived from the strategic merge
 *       patch table; custom resources: {@link io.outpost.apiserver.apply.StructuralApplySchema}
 *       over the version's openAPIV3Schema.</li>
 *   <li>{@code Typed} (package-private): field sets of objects, comparison, merge, removal.</li>
 *   <li>{@link io.outpost.apiserver.apply.FieldManager}: the entry point the registry calls on
 *       every write ({@code update}) and for {@code application/apply-patch+yaml} ({@code apply}).</li>
 * </ul>
 *
 * <p>Where it differs from kube, knowingly: kube compares an update against typed Go objects, in
 * which every non-pointer struct exists, so its Update entries carry no {@code "."} for them; here
 * the built-in schemas name the common ones ({@code spec}, {@code status}, pod templates,
 * strategies; {@link io.outpost.apiserver.apply.ApplySchema#zeroObjects()}), and a struct not
 * named there that a write adds is recorded with its {@code "."}. Ownership and conflicts of
 * fields are the same. Unknown fields in an applied
 * configuration follow {@code fieldValidation} as any body does (kube refuses them from the
 * schema), and a duplicate or key-less element of a map list is 400 Bad Request with the path
 * (kube reports it as "failed to create typed patch object").
 */
package io.outpost.apiserver.apply;
