/**
 * The generic REST verbs of every stored resource, over the typed storage layer
 * ({@link io.outpost.apiserver.storage.ObjectStore}).
 *
 * <p>Entry point: {@link io.outpost.apiserver.registry.Registry#handle(io.outpost.apiserver.http.ApiRequest,
 * io.outpost.apiserver.registry.Target)}, after {@link io.outpost.apiserver.registry.Registry#start()}.
 * One file per verb or concept: {@code Creates}, {@code Updates}, {@code Deletes}, {@code Lists},
 * {@code Watches}, {@code Scales}, {@code Bindings}, {@code NamespaceLifecycle}, selectors
 * ({@code LabelSelector}, {@code FieldSelector}, {@code Selection}), {@code ContinueTokens}, per-kind
 * rules ({@code KindRules}) and the one mapping of storage failures to Status ({@code StoreErrors}).
 *
 * <p>Decisions, and what is not done yet:
 * <ul>
 *   <li>Objects are Jackson trees, stored with kind and apiVersion and without resourceVersion
 *       (the store revision is the resourceVersion). Per-kind defaulting and validation are in
 *       {@code io.outpost.apiserver.validation} (an explicit kind-to-strategy map); kinds without
 *       a strategy get object-metadata checks only. Bodies (JSON, YAML, or Kubernetes protobuf
 *       turned into the same JSON by {@code io.outpost.apiserver.protobuf}; anything else is 415)
 *       go through {@code Bodies}: the kind's
 *       fabric8 class finds unknown fields for {@code fieldValidation} (absent means Warn, as in
 *       kube-apiserver), which are removed from the stored tree.</li>
 *   <li>Watches, and lists at resourceVersion "0", are served by the per-resource watch cache
 *       ({@code io.outpost.apiserver.watchcache}); other lists read the store (resourceVersion ""
 *       is a consistent read there). Bookmarks carry the cache's progress, which advances while a
 *       resource is quiet.</li>
 *   <li>Namespaces are emptied by the namespace controller, as in kube, when the registry runs
 *       with one ({@code RegistryConfig#namespaceController}, as {@code outpost server} does); else
 *       an in-process finalizer deletes everything in the namespace at once (no grace periods,
 *       object finalizers not awaited), then the namespace.</li>
 *   <li>{@code propagationPolicy} turns into the garbage collector's finalizers when the
 *       registry runs with one ({@code Propagation}); {@code dryRun=All} on create, update, patch
 *       and delete (not yet on the scale and binding subresources).</li>
 *   <li>Every write records its field manager's fields in {@code metadata.managedFields}
 *       ({@code FieldTracking}, over {@code io.outpost.apiserver.apply}); server-side apply is
 *       {@code Applies}.</li>
 *   <li>Admission ({@code io.outpost.apiserver.admission}) is called through {@code Admission}
 *       at kube's points: mutating after decoding and defaulting, validating after the kind's
 *       validation and before the store write (inside the guaranteed update for updates, patches
 *       and deletes). The plugins come from {@code BuiltInAdmission} (or the chain given to
 *       {@link io.outpost.apiserver.registry.Registry}'s second constructor) and read current
 *       objects from the watch caches ({@code CachedObjects}).</li>
 *   <li>A watch at a resourceVersion ahead of the watch cache waits up to 3 s for it, then
 *       answers 504; a list from the store at a resourceVersion ahead of it answers 504 at once
 *       (kube waits there too).</li>
 * </ul>
 */
package io.outpost.apiserver.registry;
